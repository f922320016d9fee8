import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import * as z from 'zod';
import { parseConfig } from '../../config/load.ts';
import { CcxtExchange } from '../adapters/binance/ccxtExchange.ts';
import { createBinanceClient } from '../adapters/binance/createBinanceClient.ts';
import { StartupRefusedError, startupChecks } from '../adapters/binance/startupChecks.ts';
import { DynamoStateStore } from '../adapters/aws/dynamoStateStore.ts';
import { barCloseLogger } from '../adapters/aws/powertoolsLogger.ts';
import { PowertoolsMetricsSink } from '../adapters/aws/powertoolsMetrics.ts';
import { SecretsManagerSecrets } from '../adapters/aws/secretsManagerSecrets.ts';
import { SnsNotifier } from '../adapters/aws/snsNotifier.ts';
import { SsmKillSwitch } from '../adapters/aws/ssmKillSwitch.ts';
import { systemClock } from '../adapters/local/clocks.ts';
import { appendAudit } from '../app/appendAudit.ts';
import type { BarCloseDeps } from '../app/runBarClose.ts';
import type { BinanceKeys } from '../ports/secrets.ts';
import type { Clock } from '../ports/clock.ts';
import { botId } from './botId.ts';

/** What the stack sets on the bar-close function (lib/constructs/barCloseTrader.ts). */
export const AwsEnvSchema = z.object({
  MFT_STAGE: z.string().min(1),
  MFT_TABLE: z.string().min(1),
  MFT_HALT_PARAMETER: z.string().startsWith('/mft/'),
  MFT_ALERT_TOPIC_ARN: z.string().startsWith('arn:'),
  /** The stage file, validated at synth time and validated again here (zod at every boundary). */
  MFT_CONFIG: z.string().min(2),
  MFT_CODE_SHA: z.string().optional(),
});

export interface AwsClients {
  ddb: DynamoDBClient;
  ssm: SSMClient;
  secrets: SecretsManagerClient;
  sns: SNSClient;
  /** The ccxt client for the stage's exchange (default: createBinanceClient demo/live). Tests point it at the emulator. */
  binance: (keys: BinanceKeys, mode: 'demo' | 'live') => ReturnType<typeof createBinanceClient>;
  clock: Clock;
}

/**
 * AWS composition root of the bar-close Lambda, built once per container: config from MFT_CONFIG,
 * DynamoDB state + audit, the SSM kill switch, Binance keys from Secrets Manager
 * (`mft/<stage>/binance`), ccxt binanceusdm on demo-fapi (paper) or fapi (live), SNS notices,
 * Powertools EMF metrics. Before the container trades, the start-up checks run; a refusal is
 * audited, sent to Telegram and thrown, so the invocation fails (Errors alarm) and nothing trades.
 */
export async function awsBarCloseDeps(env: Record<string, string | undefined> = process.env, over: Partial<AwsClients> = {}): Promise<BarCloseDeps> {
  const e = AwsEnvSchema.parse(env);
  const { config: cfg, hash } = parseConfig(JSON.parse(e.MFT_CONFIG), 'MFT_CONFIG');
  if (cfg.stage.name !== e.MFT_STAGE) throw new Error(`MFT_CONFIG is stage '${cfg.stage.name}' but the function is deployed for '${e.MFT_STAGE}'`);
  if (cfg.stage.exchange === 'emulator') throw new Error(`stage ${cfg.stage.name} trades against the emulator: it is not deployable (use demo or live)`);
  const mode = cfg.stage.exchange;
  const region = cfg.stage.region;
  const c: AwsClients = {
    ddb: over.ddb ?? new DynamoDBClient({ region }),
    ssm: over.ssm ?? new SSMClient({ region }),
    secrets: over.secrets ?? new SecretsManagerClient({ region }),
    sns: over.sns ?? new SNSClient({ region }),
    binance: over.binance ?? ((k, m) => createBinanceClient({ mode: m, apiKey: k.apiKey, secret: k.secret })),
    clock: over.clock ?? systemClock,
  };
  const logger = barCloseLogger(cfg.stage.name);
  const store = new DynamoStateStore(c.ddb, e.MFT_TABLE, botId(cfg));
  const notifier = new SnsNotifier(c.sns, e.MFT_ALERT_TOPIC_ARN);
  const keys = await new SecretsManagerSecrets(c.secrets, cfg.stage.name).binance();
  const exchange = new CcxtExchange(c.binance(keys, mode), { clock: c.clock });

  const checks = await startupChecks(exchange, cfg, c.clock);
  const now = c.clock.now();
  if (checks.kind === 'refused') {
    logger.error('start-up checks refused', { problems: checks.problems, report: checks.report });
    await appendAudit(store, [{ type: 'startup_refused', time: now, stage: cfg.stage.name, exchange: mode, problems: checks.problems, report: checks.report }], now);
    await notifier.notify({ severity: 'critical', subject: `mft ${cfg.stage.name}: refusing to trade`, text: checks.problems.join('\n') });
    throw new StartupRefusedError(cfg.stage.name, checks.problems);
  }
  logger.info('start-up checks passed', { report: { ...checks.report, markets: Object.keys(checks.report.markets) } });
  await appendAudit(store, [{ type: 'startup_checked', time: now, stage: cfg.stage.name, exchange: mode, offsetMs: checks.report.serverOffsetMs, balanceUsdt: checks.report.balanceUsdt, actions: checks.report.actions }], now);

  return {
    cfg,
    configHash: hash,
    codeVersion: `aws+${e.MFT_CODE_SHA ?? 'unknown'}`,
    store,
    exchange,
    killSwitch: new SsmKillSwitch(c.ssm, e.MFT_HALT_PARAMETER),
    clock: c.clock,
    notifier,
    metrics: new PowertoolsMetricsSink('MFT', cfg.stage.name),
  };
}
