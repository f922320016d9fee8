import type { AppConfig } from '../../config/schema.ts';
import { parseConfig } from '../../config/load.ts';
import { describeFileName, fundingLookup, loadCandles, loadFunding } from '../adapters/local/candles.ts';
import type { BarSeries } from '../core/market/bar.ts';
import { timeframeMs } from '../core/market/timeframe.ts';
import { DEFAULT_MARKET, defaultMarket } from '../core/market/synthetic.ts';
import { formatValidationReport, validateCandles, type ValidationReport } from '../core/market/validate.ts';

export interface RunData {
  /** The config, with `symbols` narrowed to the data's symbol. */
  config: AppConfig;
  series: BarSeries;
  sha256: string | undefined;
  label: string;
  funding: ((symbol: string, openTime: number) => number | undefined) | undefined;
  detail: BarSeries | undefined;
  validation: ValidationReport & { text: string };
}

export interface RunDataRequest {
  data?: string | undefined;
  funding?: string | undefined;
  detail?: string | undefined;
  symbol?: string | undefined;
  config: AppConfig;
  /** Keep only bars with from <= openTime < to (ms). */
  from?: number | undefined;
  to?: number | undefined;
}

/** Candles (a file, or the embedded synthetic market), funding and 1m detail for one symbol, validated. */
export async function loadRunData(r: RunDataRequest): Promise<RunData> {
  let series: BarSeries;
  let sha256: string | undefined;
  let label: string;
  if (r.data) {
    const named = describeFileName(r.data);
    const c = loadCandles(r.data, { symbol: r.symbol, timeframe: named.timeframe ?? r.config.timeframe });
    series = c.series;
    sha256 = c.sha256;
    label = r.data;
  } else {
    series = defaultMarket();
    label = `embedded synthetic market (seed ${DEFAULT_MARKET.seed}, ${DEFAULT_MARKET.bars} bars of 5m)`;
  }
  series = clip(series, r.from, r.to);
  const iv = timeframeMs(r.config.timeframe);
  if (series.intervalMs !== iv) {
    throw new Error(`${label}: bars are ${series.intervalMs / 60000}m but the config trades ${r.config.timeframe}`);
  }
  // The data's symbol is the one traded; the rest of the config applies unchanged.
  const config = r.config.symbols.length === 1 && r.config.symbols[0] === series.symbol ? r.config : parseConfig({ ...r.config, symbols: [series.symbol] }, 'config with --symbol').config;
  const report = validateCandles(series);
  const detail = r.detail ? loadCandles(r.detail, { symbol: series.symbol, timeframe: describeFileName(r.detail).timeframe ?? '1m' }).series : undefined;
  const funding = r.funding ? fundingLookup(loadFunding(r.funding), iv) : undefined;
  return { config, series, sha256, label, funding, detail, validation: { ...report, text: formatValidationReport(report, label) } };
}

function clip(s: BarSeries, from?: number, to?: number): BarSeries {
  if (from === undefined && to === undefined) return s;
  let a = 0;
  let b = s.length;
  while (a < b && from !== undefined && s.openTime[a]! < from) a++;
  while (b > a && to !== undefined && s.openTime[b - 1]! >= to) b--;
  return {
    ...s,
    length: b - a,
    openTime: s.openTime.subarray(a, b),
    open: s.open.subarray(a, b),
    high: s.high.subarray(a, b),
    low: s.low.subarray(a, b),
    close: s.close.subarray(a, b),
    volume: s.volume.subarray(a, b),
  };
}
