import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { mftFunction } from './lambdaDefaults.ts';

/** SNS topic -> Telegram notifier Lambda; `alarm()` wires a CloudWatch alarm to the topic. */
export class Alerting extends Construct {
  readonly topic: Topic;
  constructor(scope: Construct, id: string, props: { stage: string; telegram: ISecret }) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { topicName: `mft-${props.stage}-alerts`, enforceSSL: true });
    acknowledge(this.topic, [
      { id: 'AwsSolutions-SNS2', reason: 'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key; messages carry alarm state only (no secrets, no balances beyond P&L).' },
    ]);
    const notifier = mftFunction(this, 'TelegramNotifier', 'telegram-notifier.ts', { environment: { MFT_STAGE: props.stage }, memorySize: 256, timeout: Duration.seconds(60) });
    props.telegram.grantRead(notifier);
    this.topic.addSubscription(new LambdaSubscription(notifier));
  }

  alarm(id: string, metric: IMetric, o: { threshold: number; comparison: ComparisonOperator; description: string; evaluationPeriods?: number; missing?: TreatMissingData }): Alarm {
    const a = new Alarm(this, id, {
      metric,
      threshold: o.threshold,
      comparisonOperator: o.comparison,
      evaluationPeriods: o.evaluationPeriods ?? 1,
      treatMissingData: o.missing ?? TreatMissingData.NOT_BREACHING,
      alarmDescription: o.description,
    });
    a.addAlarmAction(new SnsAction(this.topic));
    a.addOkAction(new SnsAction(this.topic));
    return a;
  }
}

