import type { Context } from 'aws-lambda';
import { parseConfig } from '../../config/load.ts';
import { loadCandles, loadFunding, type FundingSeries } from '../adapters/local/candles.ts';
import { fetchS3ToTmp } from '../adapters/aws/s3Fetch.ts';
import { ItemBatchSchema, processBatch } from '../app/sweep/remoteSweep.ts';
import type { BarSeries } from '../core/market/bar.ts';
import type { SweepRow } from '../app/sweep/evaluate.ts';

/** Candles per container, by S3 key: a warm container runs batch after batch on the same data. */
const cache = new Map<string, Promise<{ series: BarSeries; funding: FundingSeries | undefined }>>();

/**
 * Step Functions Distributed Map item processor: a batch of sweep combinations through the same
 * `evaluateItem` as `mft sweep`'s worker threads. Throws on a bad batch (the map run counts it as
 * failed; the state machine tolerates no failure).
 */
export async function handler(event: unknown, _ctx?: Context): Promise<{ rows: SweepRow[] }> {
  const b = ItemBatchSchema.parse(event);
  const { config } = parseConfig(b.BatchInput.config, 'BatchInput.config');
  const key = `${b.BatchInput.bucket}/${b.BatchInput.dataKey}/${b.BatchInput.fundingKey ?? ''}`;
  let data = cache.get(key);
  if (!data) {
    data = (async () => {
      const series = loadCandles(await fetchS3ToTmp(b.BatchInput.bucket, b.BatchInput.dataKey)).series;
      const funding = b.BatchInput.fundingKey ? loadFunding(await fetchS3ToTmp(b.BatchInput.bucket, b.BatchInput.fundingKey)) : undefined;
      return { series, funding };
    })();
    cache.set(key, data);
    data.catch(() => cache.delete(key));
  }
  const { series, funding } = await data;
  return processBatch(config, b.Items, series, funding);
}
