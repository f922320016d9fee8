import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AppConfig } from '../../config/schema.ts';
import { mftFunction } from './lambdaDefaults.ts';

export interface DailyReportProps {
  stage: string;
  table: Table;
  alerts: ITopic;
  config: AppConfig;
}

/**
 * The daily report (issue #6): at 00:05 UTC, yesterday's trades, P&L, latency, halts and the parity
 * re-run, read from the stage table (read-only grant) and published to the alert topic (-> Telegram).
 * No exchange client and no secrets: everything it needs is in the audit trail.
 */
export class DailyReport extends Construct {
  readonly fn: NodejsFunction;
  readonly schedule: Rule;
  constructor(scope: Construct, id: string, p: DailyReportProps) {
    super(scope, id);
    this.fn = mftFunction(this, 'Fn', 'daily-report.ts', {
      functionName: `mft-${p.stage}-daily-report`,
      memorySize: 512,
      timeout: Duration.minutes(2),
      retryAttempts: 2,
      environment: { MFT_STAGE: p.stage, MFT_TABLE: p.table.tableName, MFT_ALERT_TOPIC_ARN: p.alerts.topicArn, MFT_CONFIG: JSON.stringify(p.config) },
    });
    p.table.grantReadData(this.fn);
    p.alerts.grantPublish(this.fn);
    this.schedule = new Rule(this, 'Daily', { schedule: Schedule.expression('cron(5 0 * * ? *)'), description: "00:05 UTC: yesterday's report with its parity section" });
    this.schedule.addTarget(new LambdaFunction(this.fn, { retryAttempts: 2 }));
  }
}
