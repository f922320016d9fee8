import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { parseConfig } from '../../config/load.ts';
import { ExecutionInputSchema, mergeRows } from '../app/sweep/remoteSweep.ts';
import type { SweepRow } from '../app/sweep/evaluate.ts';
import { comboConfig, parseGrid } from '../app/sweep/grid.ts';
import { backtestJob } from '../app/backtestJob.ts';
import { renderHtmlReport } from '../app/htmlReport.ts';
import { fundingLookup } from '../adapters/local/candles.ts';
import { loadS3Candles } from '../adapters/aws/s3Candles.ts';
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
 * rows back in grid order and writes the same `results.csv`, `summary.json` and `report.html` as
 * `mft sweep` (best combination, PBO, DSR, verdict, heatmap) next to the items: `s3://<bucket>/sweeps/<runId>/`.
 */
export async function handler(event: unknown, _ctx?: Context, s3: S3Client = (client ??= new S3Client({}))): Promise<{ results: string; summary: string; report: string; best: Record<string, number>; verdict: string }> {
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
  // report.html as `mft sweep` writes it: the best combination in full, with the heatmap and the verdict
  const { series, funding } = await loadS3Candles({ bucket: e.bucket, dataKey: e.dataKey, fundingKey: e.fundingKey, symbol: config.symbols[0]!, timeframe: config.timeframe }, s3);
  const job = backtestJob({ cfg: comboConfig(config, grid, sum.best.index), configHash: 'remote', codeVersion: process.env.MFT_CODE_SHA ?? 'lambda', series: [series], funding: funding ? fundingLookup(funding, series.intervalMs) : undefined });
  const html = renderHtmlReport({ title: `Sweep ${grid.size} combinations, ${config.symbols.join(',')} ${config.timeframe} (Step Functions run ${e.runId})`, meta: { run: e.runId, combinations: String(grid.size), metric: e.metric }, series, trades: job.result.trades, audit: job.audit, times: series.openTime, equity: job.result.equity, metrics: job.metrics, sweep: sum });
  await s3.send(new PutObjectCommand({ Bucket: e.bucket, Key: `${prefix}/report.html`, Body: html, ContentType: 'text/html; charset=utf-8' }));
  return { results: `s3://${e.bucket}/${prefix}/results.csv`, summary: `s3://${e.bucket}/${prefix}/summary.json`, report: `s3://${e.bucket}/${prefix}/report.html`, best: sum.best.params, verdict: sum.verdict };
}
