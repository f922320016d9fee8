import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import { parseConfig } from '../../config/load.ts';
import { DynamoStateStore } from '../adapters/aws/dynamoStateStore.ts';
import { SnsNotifier } from '../adapters/aws/snsNotifier.ts';
import type { DailyReportDeps } from '../handlers/daily-report.ts';
import { botId } from './botId.ts';

/** What the stack sets on the daily-report function (lib/constructs/dailyReport.ts). */
export const ReportEnvSchema = z.object({
  MFT_STAGE: z.string().min(1),
  MFT_TABLE: z.string().min(1),
  MFT_ALERT_TOPIC_ARN: z.string().startsWith('arn:'),
  MFT_CONFIG: z.string().min(2),
});

/** AWS composition root of the daily report: the stage's table (read only) and its alert topic. No exchange, no secrets. */
export function awsReportDeps(env: Record<string, string | undefined> = process.env, over: { ddb?: DynamoDBClient; sns?: SNSClient } = {}): DailyReportDeps {
  const e = ReportEnvSchema.parse(env);
  const { config: cfg } = parseConfig(JSON.parse(e.MFT_CONFIG), 'MFT_CONFIG');
  if (cfg.stage.name !== e.MFT_STAGE) throw new Error(`MFT_CONFIG is stage '${cfg.stage.name}' but the function is deployed for '${e.MFT_STAGE}'`);
  const ddb = over.ddb ?? new DynamoDBClient({ region: cfg.stage.region });
  const sns = over.sns ?? new SNSClient({ region: cfg.stage.region });
  return { cfg, store: new DynamoStateStore(ddb, e.MFT_TABLE, botId(cfg)), notifier: new SnsNotifier(sns, e.MFT_ALERT_TOPIC_ARN) };
}
