import { Logger } from '@aws-lambda-powertools/logger';

/** JSON logs; the correlation id of an invocation is the open time of the bar it decides. */
export function barCloseLogger(stage: string): Logger {
  return new Logger({ serviceName: `mft-${stage}-bar-close`, persistentKeys: { stage } });
}

export function correlate(logger: Logger, barOpenTime: number): void {
  logger.setCorrelationId(new Date(barOpenTime).toISOString());
}
