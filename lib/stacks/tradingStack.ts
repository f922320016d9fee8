import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { ComparisonOperator, Dashboard, GraphWidget, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { AppConfig } from '../../config/schema.ts';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { Alerting } from '../constructs/alerting.ts';
import { BacktestFunction } from '../constructs/backtestFunction.ts';
import { BarCloseTrader } from '../constructs/barCloseTrader.ts';
import { DailyReport } from '../constructs/dailyReport.ts';
import { KillSwitch } from '../constructs/killSwitch.ts';
import { StageSecrets } from '../constructs/stageSecrets.ts';
import { SweepStateMachine } from '../constructs/sweepStateMachine.ts';

export interface TradingStackProps extends StackProps {
  stage: string;
  timeframe: string;
  maxDailyLossUsd: number;
  /** The validated stage config: the bar-close function gets it as MFT_CONFIG. */
  config: AppConfig;
  table: Table;
  /** Initial kill switch value: live starts `halt`. */
  initialHalt: 'off' | 'halt';
}

const BAR_MS: Record<string, number> = { '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000 };

/** The stateless part: functions, rules, kill switch, secrets, alerting and the dashboard. */
export class TradingStack extends Stack {
  readonly trader: BarCloseTrader;
  readonly alerting: Alerting;
  readonly report: DailyReport;
  readonly sweep: SweepStateMachine;
  constructor(scope: Construct, id: string, p: TradingStackProps) {
    super(scope, id, p);
    const ks = new KillSwitch(this, 'KillSwitch', { stage: p.stage, initial: p.initialHalt });
    const secrets = new StageSecrets(this, 'Secrets', { stage: p.stage });
    this.alerting = new Alerting(this, 'Alerting', { stage: p.stage, telegram: secrets.telegram });
    this.trader = new BarCloseTrader(this, 'BarClose', { stage: p.stage, timeframe: p.timeframe, table: p.table, halt: ks.parameter, binance: secrets.binance, alerts: this.alerting.topic, config: p.config });
    this.report = new DailyReport(this, 'DailyReport', { stage: p.stage, table: p.table, alerts: this.alerting.topic, config: p.config });
    const backtest = new BacktestFunction(this, 'Backtest', { stage: p.stage });
    this.sweep = new SweepStateMachine(this, 'Sweep', { stage: p.stage, bucket: backtest.bucket });

    const m = (name: string, stat = 'Sum', dims: Record<string, string> = { stage: p.stage }) => new Metric({ namespace: 'MFT', metricName: name, dimensionsMap: { service: `mft-${p.stage}`, ...dims }, statistic: stat, period: Duration.minutes(5) });
    const barMs = BAR_MS[p.timeframe] ?? 300_000;
    const a = this.alerting;
    a.alarm('Errors', this.trader.fn.metricErrors({ period: Duration.minutes(5) }), { threshold: 1, comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, description: 'bar-close function errors' });
    a.alarm('MissedBar', m('Heartbeat').with({ period: Duration.millis(barMs) }), {
      threshold: 1,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      missing: TreatMissingData.BREACHING,
      description: 'no heartbeat for 2 bar periods: bars are being missed',
    });
    a.alarm('AckLatencyP99', m('BarCloseToAckMs', 'p99'), { threshold: 5000, comparison: ComparisonOperator.GREATER_THAN_THRESHOLD, description: 'bar close -> order ack p99 > 5 s' });
    a.alarm('ReconcileMismatch', m('ReconcileMismatch'), { threshold: 1, comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, description: 'exchange and bot state differ: the bot halted itself' });
    a.alarm('HaltChanged', m('HaltChanged'), { threshold: 1, comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, description: 'kill switch changed' });
    a.alarm('DailyLossNear', m('DayPnl', 'Minimum'), { threshold: -0.75 * p.maxDailyLossUsd, comparison: ComparisonOperator.LESS_THAN_THRESHOLD, description: `day P&L below 75% of the ${p.maxDailyLossUsd} USD daily loss limit` });
    a.alarm('DailyReportErrors', this.report.fn.metricErrors({ period: Duration.hours(1) }), { threshold: 1, comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, description: 'the daily report failed (no report in Telegram today)' });
    a.alarm('DlqMessages', this.trader.dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }), { threshold: 1, comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, description: 'failed bar-close invocations in the DLQ' });

    new Dashboard(this, 'Dashboard', {
      dashboardName: `mft-${p.stage}`,
      widgets: [
        [
          new GraphWidget({ title: 'Latency (ms)', left: [m('KlineDelayMs', 'p50'), m('BarCloseToAckMs', 'p50'), m('BarCloseToAckMs', 'p99')], width: 12 }),
          new GraphWidget({ title: 'Decisions and rejections', left: [m('Decisions'), new MathExpression({ expression: 'SUM(SEARCH(\'{MFT,service,stage,rule} MetricName="GateRejections"\', \'Sum\', 300))', label: 'rejections by rule', period: Duration.minutes(5) })], width: 12 }),
        ],
        [
          new GraphWidget({ title: 'Equity (USD)', left: [m('Equity', 'Average')], width: 8 }),
          new GraphWidget({ title: 'Day P&L (USD)', left: [m('DayPnl', 'Minimum')], width: 8 }),
          new GraphWidget({ title: 'Errors, mismatches, DLQ', left: [this.trader.fn.metricErrors(), m('ReconcileMismatch'), this.trader.dlq.metricApproximateNumberOfMessagesVisible()], width: 8 }),
        ],
      ],
    });

    acknowledge(this, [
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'The AWS-managed basic execution role only lets each function write its own logs.' },
    ]);
    // The backtest function reads any candle file in its own bucket (objects are named by symbol and range).
    acknowledge(backtest.fn, [
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason: 'Read-only object actions from bucket.grantRead, on one bucket.' },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: 'Read-only bucket metadata from bucket.grantRead, on one bucket.' },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: 'Listing one bucket (bucket.grantRead).' },
      { id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(backtest.bucket.node.defaultChild as import('aws-cdk-lib').CfnElement)}.Arn>/*]`, reason: 'Objects of the backtest data bucket only.' },
    ]);
  }
}
