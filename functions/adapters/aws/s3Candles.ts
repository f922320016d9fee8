import type { S3Client } from '@aws-sdk/client-s3';
import type { BarSeries } from '../../core/market/bar.ts';
import { loadCandles, loadFunding, type FundingSeries } from '../local/candles.ts';
import { fetchS3ToTmp } from './s3Fetch.ts';

/**
 * Candles (and funding) of a remote sweep from S3. The symbol and timeframe come from the config:
 * the /tmp copy's name (`mft-<key basename>`) does not carry them the way the shared file names do.
 */
export async function loadS3Candles(
  r: { bucket: string; dataKey: string; fundingKey?: string | undefined; symbol: string; timeframe: string },
  s3?: S3Client,
): Promise<{ series: BarSeries; funding: FundingSeries | undefined }> {
  const series = loadCandles(await fetchS3ToTmp(r.bucket, r.dataKey, s3), { symbol: r.symbol, timeframe: r.timeframe }).series;
  const funding = r.fundingKey ? loadFunding(await fetchS3ToTmp(r.bucket, r.fundingKey, s3)) : undefined;
  return { series, funding };
}
