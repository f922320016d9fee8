import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { gzipSync } from 'node:zlib';
import * as z from 'zod';
import type { AppConfig } from '../../../config/schema.ts';
import { candlesCsv } from '../../adapters/local/candles.ts';
import type { BarSeries } from '../../core/market/bar.ts';
import type { Grid } from './grid.ts';
import { sweepItems, type ExecutionInput } from './remoteSweep.ts';

/** Written by the stack (lib/constructs/sweepStateMachine.ts): where a stage's sweeps run. */
export const SweepTargetSchema = z.object({ bucket: z.string().min(3), stateMachineArn: z.string().startsWith('arn:') });
export const sweepParameter = (stage: string): string => `/mft/${stage}/sweep`;

export interface RemoteSweepRequest {
  stage: string;
  base: AppConfig;
  grid: Grid;
  gridSpec: string;
  metric: string;
  series: BarSeries;
  fundingCsv?: Buffer | undefined;
  runId: string;
}

/**
 * `mft sweep --remote`: uploads the items (every combination), the candles the local sweep would
 * use and the funding file to the stage's bucket, then starts the state machine.
 */
export async function startRemoteSweep(c: { ssm: SSMClient; s3: S3Client; sfn: SFNClient }, r: RemoteSweepRequest): Promise<{ executionArn: string; input: ExecutionInput; results: string }> {
  const p = await c.ssm.send(new GetParameterCommand({ Name: sweepParameter(r.stage) }));
  const target = SweepTargetSchema.parse(JSON.parse(p.Parameter?.Value ?? 'null'));
  const prefix = `sweeps/${r.runId}`;
  const dataKey = `${prefix}/${r.series.symbol}-${r.base.timeframe}-candles.csv.gz`;
  const itemsKey = `${prefix}/items.json`;
  await c.s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: itemsKey, Body: JSON.stringify(sweepItems(r.grid)), ContentType: 'application/json' }));
  await c.s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: dataKey, Body: gzipSync(candlesCsv(r.series)) }));
  let fundingKey = '';
  if (r.fundingCsv) {
    fundingKey = `${prefix}/${r.series.symbol}-funding.csv.gz`;
    await c.s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: fundingKey, Body: r.fundingCsv }));
  }
  const input: ExecutionInput = { runId: r.runId, bucket: target.bucket, itemsKey, dataKey, fundingKey, grid: r.gridSpec, metric: r.metric, config: JSON.parse(JSON.stringify(r.base)) as Record<string, unknown> };
  const ex = await c.sfn.send(new StartExecutionCommand({ stateMachineArn: target.stateMachineArn, name: r.runId, input: JSON.stringify(input) }));
  if (!ex.executionArn) throw new Error('StartExecution returned no executionArn');
  return { executionArn: ex.executionArn, input, results: `s3://${target.bucket}/${prefix}/results.csv` };
}
