import { Duration, Stack, Token, type CfnElement } from 'aws-cdk-lib';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { DefinitionBody, DistributedMap, ItemBatcher, JsonPath, LogLevel, ResultWriterV2, S3JsonItemReader, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { CHART_LIB_FILE } from '../../functions/app/htmlReport.ts';
import { mftFunction } from './lambdaDefaults.ts';

export interface SweepStateMachineProps {
  stage: string;
  /** The backtest bucket: items, candles and results live under `sweeps/<runId>/`. */
  bucket: Bucket;
  /** Child executions running at once (each runs one batch in one Lambda invocation). */
  maxConcurrency?: number;
  itemsPerBatch?: number;
}

/**
 * Sweeps beyond one machine (issue #7): a Step Functions Distributed Map reads the items file
 * (`mft sweep --remote` uploads it), batches combinations into the item Lambda (the same
 * `evaluateItem` as the worker threads), writes the batches' results to S3 (ResultWriter) and ends
 * with the summary Lambda, which writes `results.csv` and `summary.json` beside the items.
 * `/mft/<stage>/sweep` tells the CLI the bucket and the state machine.
 */
export class SweepStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly itemFn: NodejsFunction;
  readonly summaryFn: NodejsFunction;
  constructor(scope: Construct, id: string, p: SweepStateMachineProps) {
    super(scope, id);
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);
    this.itemFn = mftFunction(this, 'ItemFn', 'sweep-item.ts', { functionName: `mft-${p.stage}-sweep-item`, memorySize: 1769, timeout: Duration.minutes(15), environment: { MFT_STAGE: p.stage } });
    // The summary renders report.html: the chart library ships next to index.mjs (functions/app/htmlReport.ts).
    this.summaryFn = mftFunction(this, 'SummaryFn', 'sweep-summary.ts', {
      functionName: `mft-${p.stage}-sweep-summary`,
      memorySize: 1769,
      timeout: Duration.minutes(5),
      environment: { MFT_STAGE: p.stage },
      bundling: {
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [`cp "${inputDir}/node_modules/lightweight-charts/dist/${CHART_LIB_FILE}" "${outputDir}/${CHART_LIB_FILE}"`],
        },
      },
    });
    p.bucket.grantRead(this.itemFn, 'sweeps/*');
    p.bucket.grantReadWrite(this.summaryFn, 'sweeps/*');

    const map = new DistributedMap(this, 'Combinations', {
      maxConcurrency: p.maxConcurrency ?? 40,
      toleratedFailurePercentage: 0,
      itemReader: new S3JsonItemReader({ bucket: p.bucket, key: JsonPath.stringAt('$.itemsKey') }),
      itemBatcher: new ItemBatcher({
        maxItemsPerBatch: p.itemsPerBatch ?? 25,
        batchInput: { 'bucket.$': '$.bucket', 'dataKey.$': '$.dataKey', 'fundingKey.$': '$.fundingKey', 'config.$': '$.config' },
      }),
      resultWriterV2: new ResultWriterV2({ bucket: p.bucket, prefix: 'sweeps/map-runs' }),
      resultPath: '$.map',
    });
    map.itemProcessor(new LambdaInvoke(this, 'RunBatch', { lambdaFunction: this.itemFn, payloadResponseOnly: true, retryOnServiceExceptions: true }));
    const summary = new LambdaInvoke(this, 'Summarize', { lambdaFunction: this.summaryFn, payloadResponseOnly: true });
    const logs = new LogGroup(this, 'Logs', { retention: RetentionDays.THREE_MONTHS });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: `mft-${p.stage}-sweep`,
      definitionBody: DefinitionBody.fromChainable(map.next(summary)),
      timeout: Duration.hours(6),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    p.bucket.grantRead(this.stateMachine, 'sweeps/*');
    p.bucket.grantReadWrite(this.stateMachine, 'sweeps/map-runs/*');
    const bucketArn = `<${Stack.of(this).getLogicalId(p.bucket.node.defaultChild as CfnElement)}.Arn>`;
    const read = [
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason: 'Read-only object actions from bucket.grantRead, limited to sweeps/*.' },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: 'Bucket metadata from bucket.grantRead, one bucket.' },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: 'Listing one bucket (bucket.grantRead).' },
      { id: `AwsSolutions-IAM5[Resource::${bucketArn}/sweeps/*]`, reason: 'Objects under sweeps/ of the backtest bucket only (items, candles, results of sweep runs).' },
    ];
    const write = [
      { id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason: 'From bucket.grantReadWrite (overwriting results), limited to a prefix of one bucket.' },
      { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: 'Multipart upload abort from bucket.grantReadWrite, limited to a prefix of one bucket.' },
    ];
    acknowledge(this.itemFn, read);
    acknowledge(this.summaryFn, [...read, ...write]);
    acknowledge(this.stateMachine, [
      ...read,
      ...write,
      { id: `AwsSolutions-IAM5[Resource::${bucketArn}/sweeps/map-runs/*]`, reason: 'The Distributed Map ResultWriter writes its manifest and result files under sweeps/map-runs/.' },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<${Stack.of(this).getLogicalId(p.bucket.node.defaultChild as CfnElement)}>/*]`, reason: 'Added by the Distributed Map S3 ItemReader for its bucket; the key comes from the execution input (sweeps/<runId>/items.json).' },
      { id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.itemFn.node.defaultChild as CfnElement)}.Arn>:*]`, reason: 'Invoke any version of the item function (LambdaInvoke grant).' },
      { id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.summaryFn.node.defaultChild as CfnElement)}.Arn>:*]`, reason: 'Invoke any version of the summary function (LambdaInvoke grant).' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray tracing and CloudWatch Logs delivery for Step Functions require Resource "*" (AWS documented).' },
      ...[':*', '/*:*'].map((tail) => ({ id: `AwsSolutions-IAM5[Resource::${this.executionArnPattern()}${tail}]`, reason: 'Distributed Map child executions of this state machine only, added by CDK.' })),
    ]);
    new StringParameter(this, 'Target', {
      parameterName: `/mft/${p.stage}/sweep`,
      stringValue: Stack.of(this).toJsonString({ bucket: p.bucket.bucketName, stateMachineArn: this.stateMachine.stateMachineArn }),
      description: 'where `mft sweep --remote` uploads and which state machine it starts',
    });
  }

  /** How cdk-nag prints this state machine's execution ARN (region/account literal when the stage pins them). */
  private executionArnPattern(): string {
    const st = Stack.of(this);
    const region = Token.isUnresolved(st.region) ? '<AWS::Region>' : st.region;
    const account = Token.isUnresolved(st.account) ? '<AWS::AccountId>' : st.account;
    const id = st.getLogicalId(this.stateMachine.node.defaultChild as CfnElement);
    return `arn:<AWS::Partition>:states:${region}:${account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${id}"}]}]}`;
  }
}
