import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { wakeCron } from '../../config/schedule.ts';
import type { AppConfig } from '../../config/schema.ts';
import { mftFunction } from './lambdaDefaults.ts';

export interface BarCloseTraderProps {
  stage: string;
  timeframe: string;
  table: Table;
  halt: StringParameter;
  binance: ISecret;
  /** Notices the function sends itself (start-up refusal, reconcile mismatch, halts). */
  alerts: ITopic;
  config: AppConfig;
}

/**
 * The bar-close Lambda (DESIGN sections 2 and 7): reserved concurrency 1 (one writer per stage),
 * a timeout that covers the one-minute early wake plus the kline wait, failed async invocations to
 * an SQS queue, the schedule one minute before each bar close, and the SSM halt-change rule.
 */
export class BarCloseTrader extends Construct {
  readonly fn: NodejsFunction;
  readonly dlq: Queue;
  readonly schedule: Rule;
  constructor(scope: Construct, id: string, p: BarCloseTraderProps) {
    super(scope, id);
    this.dlq = new Queue(this, 'Failed', { queueName: `mft-${p.stage}-bar-close-failed`, retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
    acknowledge(this.dlq, [{ id: 'AwsSolutions-SQS3', reason: 'This queue is itself the on-failure destination (a dead-letter queue); its depth is alarmed.' }]);
    this.fn = mftFunction(this, 'Fn', 'bar-close.ts', {
      functionName: `mft-${p.stage}-bar-close`,
      timeout: Duration.seconds(180),
      reservedConcurrentExecutions: 1,
      onFailure: new SqsDestination(this.dlq),
      retryAttempts: 2,
      environment: {
        MFT_STAGE: p.stage,
        MFT_TABLE: p.table.tableName,
        MFT_HALT_PARAMETER: `/mft/${p.stage}/halt`,
        MFT_ALERT_TOPIC_ARN: p.alerts.topicArn,
        // the stage file as validated at synth; the function validates it again (functions/wiring/awsDeps.ts)
        MFT_CONFIG: JSON.stringify(p.config),
        POWERTOOLS_METRICS_NAMESPACE: 'MFT',
      },
    });
    p.table.grantReadWriteData(this.fn);
    p.halt.grantRead(this.fn);
    p.halt.grantWrite(this.fn); // a reconcile mismatch sets `halt`
    p.binance.grantRead(this.fn);
    p.alerts.grantPublish(this.fn);
    this.schedule = new Rule(this, 'EveryBarClose', { schedule: Schedule.expression(wakeCron(p.timeframe)), description: `one minute before each ${p.timeframe} bar close` });
    this.schedule.addTarget(new LambdaFunction(this.fn, { retryAttempts: 2 }));
    new Rule(this, 'HaltChanged', {
      description: 'kill switch changed: flatten must not wait for the next bar',
      eventPattern: { source: ['aws.ssm'], detailType: ['Parameter Store Change'], detail: { name: [`/mft/${p.stage}/halt`] } },
    }).addTarget(new LambdaFunction(this.fn, { retryAttempts: 2 }));
  }
}
