import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { mftFunction } from './lambdaDefaults.ts';

/** The backtest Lambda and its bucket for candle data and results (read-only to the function). */
export class BacktestFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly bucket: Bucket;
  constructor(scope: Construct, id: string, p: { stage: string }) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Data', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.bucket, [{ id: 'AwsSolutions-S1', reason: 'Research data (public market candles) and backtest results: no access logging needed; versioning keeps history.' }]);
    this.fn = mftFunction(this, 'Fn', 'backtest.ts', { functionName: `mft-${p.stage}-backtest`, memorySize: 2048, timeout: Duration.minutes(15), environment: { MFT_STAGE: p.stage } });
    this.bucket.grantRead(this.fn);
  }
}
