import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { parseConfig } from '../../config/load.ts';
import { ExecutionInputSchema, mergeRows } from '../app/sweep/remoteSweep.ts';
import type { SweepRow } from '../app/sweep/evaluate.ts';
import { parseGrid } from '../app/sweep/grid.ts';
import { resultsCsv, summarizeSweep } from '../app/sweep/sweepSummary.ts';

/** The summary step's input: the execution input plus the Distributed Map's output under `map`. */
const SummaryEventSchema = ExecutionInputSchema.extend({ map: z.object({ ResultWriterDetails: z.object({ Bucket: z.string(), Key: z.string() }) }).passthrough() });

/** ResultWriter's manifest and result files (Step Functions' documented shape, the parts we read). */
const ManifestSchema = z.object({ ResultFiles: z.object({ SUCCEEDED: z.array(z.object({ Key: z.string() })).default([]), FAILED: z.array(z.object({ Key: z.string() })).default([]) }).passthrough() }).passthrough();
const ResultFileSchema = z.array(z.object({ Output: z.string().optional(), Status: z.string().optional() }).passthrough());

let client: S3Client | undefined;

async function getJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!r.Body) throw new Error(`s3://${bucket}/${key}: empty`);
  return JSON.parse(await r.Body.transformToString());
}

/**
 * The sweep state machine's last step: reads the map run's results (ResultWriter manifest), puts the
 * rows back in grid order and writes the same `results.csv` and `summary.json` as `mft sweep`
 * (best combination, PBO, DSR, verdict) next to the items: `s3://<bucket>/sweeps/<runId>/`.
 */
export async function handler(event: unknown, _ctx?: Context, s3: S3Client = (client ??= new S3Client({}))): Promise<{ results: string; summary: string; best: Record<string, number>; verdict: string }> {
  const e = SummaryEventSchema.parse(event);
  const { config } = parseConfig(e.config, 'execution input config');
  const grid = parseGrid(e.grid, config);
  const w = e.map.ResultWriterDetails;
  const manifest = ManifestSchema.parse(await getJson(s3, w.Bucket, w.Key));
  if (manifest.ResultFiles.FAILED.length > 0) throw new Error(`map run has failed items: ${manifest.ResultFiles.FAILED.map((f) => f.Key).join(', ')}`);
  const batches: Array<{ rows: SweepRow[] }> = [];
  for (const f of manifest.ResultFiles.SUCCEEDED) {
    for (const ex of ResultFileSchema.parse(await getJson(s3, w.Bucket, f.Key))) {
      if (ex.Output === undefined) throw new Error(`${f.Key}: an execution without Output`);
      batches.push(JSON.parse(ex.Output) as { rows: SweepRow[] });
    }
  }
  const rows = mergeRows(grid.size, batches);
  const sum = summarizeSweep(grid, rows, e.metric);
  const prefix = `sweeps/${e.runId}`;
  await s3.send(new PutObjectCommand({ Bucket: e.bucket, Key: `${prefix}/results.csv`, Body: resultsCsv(grid, rows), ContentType: 'text/csv' }));
  const summary = { runId: e.runId, combinations: grid.size, metric: e.metric, best: sum.best, top: sum.top, pbo: sum.pbo ? { pbo: sum.pbo.pbo, splits: sum.pbo.splits, blocks: sum.pbo.blocks, periods: sum.pbo.periods } : { skipped: sum.pboSkipped }, dsr: sum.dsr, verdict: sum.verdict };
  await s3.send(new PutObjectCommand({ Bucket: e.bucket, Key: `${prefix}/summary.json`, Body: JSON.stringify(summary, null, 2) + '\n', ContentType: 'application/json' }));
  return { results: `s3://${e.bucket}/${prefix}/results.csv`, summary: `s3://${e.bucket}/${prefix}/summary.json`, best: sum.best.params, verdict: sum.verdict };
}
