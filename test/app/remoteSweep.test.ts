import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { parseGrid } from '../../functions/app/sweep/grid.ts';
import { mergeRows, processBatch, sweepItems, ItemBatchSchema } from '../../functions/app/sweep/remoteSweep.ts';
import { runSweep } from '../../functions/app/sweep/runSweep.ts';
import { resultsCsv, summarizeSweep } from '../../functions/app/sweep/sweepSummary.ts';
import { candlesCsv } from '../../functions/adapters/local/candles.ts';
import { startRemoteSweep } from '../../functions/app/sweep/startRemoteSweep.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { handler as summaryHandler } from '../../functions/handlers/sweep-summary.ts';
import { handler as itemHandler } from '../../functions/handlers/sweep-item.ts';

const { config } = parseConfig({});
const series = syntheticMarket({ seed: 3, bars: 20 * 288 });
const spec = 'tp_atr=1.0,1.3,1.6,sl_atr=0.7,1.1,adx_min=15,25';
const grid = parseGrid(spec, config);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const ssm = mockClient(SSMClient);
afterEach(() => {
  s3.reset();
  sfn.reset();
  ssm.reset();
});
/** The part of an S3 body stream the summary step uses. */
const body = (data: string | Buffer) => ({ transformToString: async () => data.toString(), transformToByteArray: async () => new Uint8Array(Buffer.from(data)) });

describe('sweep on Step Functions (offline)', () => {
  it('the items file batched as the Distributed Map does, through the item processor: the worker-thread sweep, row for row', async () => {
    const items = sweepItems(grid);
    expect(items).toHaveLength(12);
    const batches: Array<ReturnType<typeof processBatch>> = [];
    for (let i = 0; i < items.length; i += 5) {
      const event = ItemBatchSchema.parse({ BatchInput: { bucket: 'b', dataKey: 'k', fundingKey: '', config }, Items: JSON.parse(JSON.stringify(items.slice(i, i + 5))) });
      batches.push(processBatch(config, event.Items, series));
    }
    const remote = mergeRows(grid.size, batches.reverse()); // batches finish in any order
    const local = await runSweep({ base: config, grid, series, workers: 2 });
    expect(remote).toEqual(local.rows);
    expect(resultsCsv(grid, remote)).toBe(resultsCsv(grid, local.rows));
    expect(() => mergeRows(grid.size, batches.slice(1))).toThrow(/missing from the results/);
    expect(() => mergeRows(grid.size, [...batches, batches[0]!])).toThrow(/returned twice/);
  }, 120_000);

  it('the item Lambda loads the candles from S3 as the config\'s symbol and timeframe (not the /tmp file name)', async () => {
    const eth = parseConfig({ symbols: ['ETHUSDT'], markets: { ETHUSDT: { tick: 0.01, step: 0.001, min_notional: 20 } } }).config;
    const ethSeries = syntheticMarket({ seed: 3, bars: 3 * 288, symbol: 'ETHUSDT' });
    s3.on(GetObjectCommand, { Bucket: 'b', Key: 'sweeps/r/ETHUSDT-5m-candles.csv.gz' }).resolves({ Body: body(gzipSync(candlesCsv(ethSeries))) as never });
    const items = sweepItems(parseGrid('tp_atr=1.0,1.5', eth));
    const out = await itemHandler({ BatchInput: { bucket: 'b', dataKey: 'sweeps/r/ETHUSDT-5m-candles.csv.gz', fundingKey: '', config: JSON.parse(JSON.stringify(eth)) }, Items: items });
    expect(out).toEqual(processBatch(eth, items, ethSeries));
  });

  it('mft sweep --remote: uploads items and candles to the stage bucket, starts the state machine with the input the construct reads', async () => {
    ssm.on(GetParameterCommand, { Name: '/mft/paper/sweep' }).resolves({ Parameter: { Value: JSON.stringify({ bucket: 'mft-paper-data', stateMachineArn: 'arn:aws:states:ap-northeast-1:111111111111:stateMachine:mft-paper-sweep' }) } });
    s3.on(PutObjectCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:ap-northeast-1:111111111111:execution:mft-paper-sweep:run-1' });
    const r = await startRemoteSweep({ ssm: new SSMClient({}), s3: new S3Client({}), sfn: new SFNClient({}) }, { stage: 'paper', base: config, grid, gridSpec: spec, metric: 'sharpe', series, runId: 'run-1' });
    expect(r.results).toBe('s3://mft-paper-data/sweeps/run-1/results.csv');
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Key)).toEqual(['sweeps/run-1/items.json', 'sweeps/run-1/BTCUSDT-5m-candles.csv.gz']);
    expect(JSON.parse(String(puts[0]!.Body))).toEqual(sweepItems(grid));
    const csv = gunzipSync(puts[1]!.Body as Buffer).toString().split('\n');
    expect(csv[0]).toBe('open_time,open,high,low,close,volume');
    expect(csv[1]).toBe(`${series.openTime[0]},${series.open[0]},${series.high[0]},${series.low[0]},${series.close[0]},${series.volume[0]}`);
    const start = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(start.name).toBe('run-1');
    expect(JSON.parse(start.input!)).toMatchObject({ runId: 'run-1', bucket: 'mft-paper-data', itemsKey: 'sweeps/run-1/items.json', dataKey: 'sweeps/run-1/BTCUSDT-5m-candles.csv.gz', fundingKey: '', grid: spec, metric: 'sharpe' });
  });

  it('the summary step reads the ResultWriter manifest, writes the same results.csv as the local sweep and the report of the best combination', async () => {
    const items = sweepItems(grid);
    const outputs = [processBatch(config, items.slice(0, 7), series), processBatch(config, items.slice(7), series)];
    s3.on(GetObjectCommand, { Bucket: 'mft-paper-data', Key: 'sweeps/map-runs/abc/manifest.json' }).resolves({ Body: body(JSON.stringify({ DestinationBucket: 'mft-paper-data', MapRunArn: 'arn:x', ResultFiles: { SUCCEEDED: [{ Key: 'sweeps/map-runs/abc/SUCCEEDED_0.json', Size: 1 }], FAILED: [], PENDING: [] } })) as never });
    s3.on(GetObjectCommand, { Bucket: 'mft-paper-data', Key: 'sweeps/map-runs/abc/SUCCEEDED_0.json' }).resolves({ Body: body(JSON.stringify(outputs.map((o) => ({ Status: 'SUCCEEDED', Output: JSON.stringify(o) })))) as never });
    s3.on(GetObjectCommand, { Bucket: 'mft-paper-data', Key: 'sweeps/run-1/BTCUSDT-5m-candles.csv.gz' }).resolves({ Body: body(gzipSync(candlesCsv(series))) as never });
    s3.on(PutObjectCommand).resolves({});
    const input = { runId: 'run-1', bucket: 'mft-paper-data', itemsKey: 'sweeps/run-1/items.json', dataKey: 'sweeps/run-1/BTCUSDT-5m-candles.csv.gz', fundingKey: '', grid: spec, metric: 'sharpe', config: JSON.parse(JSON.stringify(config)) as Record<string, unknown>, map: { MapRunArn: 'arn:x', ResultWriterDetails: { Bucket: 'mft-paper-data', Key: 'sweeps/map-runs/abc/manifest.json' } } };
    const r = await summaryHandler(input, undefined, new S3Client({}));
    expect(r.results).toBe('s3://mft-paper-data/sweeps/run-1/results.csv');
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    const local = await runSweep({ base: config, grid, series, workers: 0 });
    expect(puts[0]).toMatchObject({ Key: 'sweeps/run-1/results.csv', Body: resultsCsv(grid, local.rows) });
    expect(JSON.parse(String(puts[1]!.Body))).toMatchObject({ combinations: 12, metric: 'sharpe' });
    expect(r.verdict).toMatch(/^PBO /);
    expect(r.report).toBe('s3://mft-paper-data/sweeps/run-1/report.html');
    expect(puts[2]).toMatchObject({ Key: 'sweeps/run-1/report.html', ContentType: 'text/html; charset=utf-8' });
    const html = String(puts[2]!.Body);
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!) as { sweep: { best: { index: number } }; trades: unknown[] };
    const best = summarizeSweep(grid, local.rows, 'sharpe').best.index;
    expect(data.sweep.best.index).toBe(best);
    expect(data.trades).toHaveLength(local.rows[best]!.metrics.trades!);
  }, 60_000);
});
