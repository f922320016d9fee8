import type { Context } from 'aws-lambda';
import '../wiring/engineRuntime.ts';
import { parseConfig } from '../../config/load.ts';
import type { FundingSeries } from '../adapters/local/candles.ts';
import { loadS3Candles } from '../adapters/aws/s3Candles.ts';
import { ItemBatchSchema, processBatch } from '../app/sweep/remoteSweep.ts';
import type { BarSeries } from '../core/market/bar.ts';
import type { SweepRow } from '../app/sweep/evaluate.ts';

/** Candles per container, by S3 key: a warm container runs batch after batch on the same data. */
const cache = new Map<string, Promise<{ series: BarSeries; funding: FundingSeries | undefined }>>();

/**
 * Step Functions Distributed Map item processor: a batch of sweep combinations through
 * `evaluateBatch` (each config resolved, then `evaluateConfigs`, what `mft sweep`'s worker threads
 * run). Throws on a bad batch (the map run counts it as failed; the state machine tolerates no
 * failure).
 */
export async function handler(event: unknown, _ctx?: Context): Promise<{ rows: SweepRow[] }> {
  const b = ItemBatchSchema.parse(event);
  const { config } = parseConfig(b.BatchInput.config, 'BatchInput.config');
  const key = `${b.BatchInput.bucket}/${b.BatchInput.dataKey}/${b.BatchInput.fundingKey ?? ''}`;
  let data = cache.get(key);
  if (!data) {
    data = loadS3Candles({ ...b.BatchInput, symbol: config.symbols[0]!, timeframe: config.timeframe });
    cache.set(key, data);
    data.catch(() => cache.delete(key));
  }
  const { series, funding } = await data;
  return processBatch(config, b.Items, series, funding);
}
