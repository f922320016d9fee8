import type { AppConfig } from '../../../config/schema.ts';
import { applyOverrides } from '../../../config/load.ts';
import { runBacktest } from '../../core/engine/runBacktest.ts';
import type { BarSeries } from '../../core/market/bar.ts';
import { DAY_MS } from '../../core/market/timeframe.ts';
import { computeMetrics } from '../../core/report/metrics.ts';
import { fundingLookup, type FundingSeries } from '../../adapters/local/candles.ts';

/** One combination to run: its index in the grid and the config overrides it stands for. */
export interface SweepItem {
  index: number;
  overrides: Record<string, unknown>;
}

export const ROW_METRICS = ['trades', 'winRate', 'netPnl', 'returnPct', 'fees', 'funding', 'maxDrawdownUsd', 'maxDrawdownPct', 'sharpe', 'profitFactor', 'exposurePct', 'avgTradePnl'] as const;
export type RowMetric = (typeof ROW_METRICS)[number];

export interface SweepRow {
  index: number;
  metrics: Record<RowMetric, number | null>;
  /** Daily (UTC) returns of the equity at each day's last close; the first day against capital. */
  daily: number[];
}


/**
 * The sweep's item processor: one combination through the one engine (`runBacktest`), reduced to its
 * metrics and daily returns. The worker threads and the Step Functions item Lambda both call this.
 */
export function evaluateItem(base: AppConfig, item: SweepItem, series: BarSeries, funding?: FundingSeries): SweepRow {
  const cfg = applyOverrides(base, item.overrides, `combination ${item.index}`).config;
  const lookup = funding ? fundingFn(funding, series.intervalMs) : undefined;
  const r = runBacktest({ cfg, series: [series], funding: lookup });
  const m = computeMetrics({ capital: cfg.capital_usd, trades: r.trades, equity: r.equity, times: series.openTime, finalEquity: r.finalEquity, exposureBars: r.exposureBars, regimeBars: {}, rejections: r.rejections });
  const metrics = {} as Record<RowMetric, number | null>;
  for (const k of ROW_METRICS) metrics[k] = m[k];
  return { index: item.index, metrics, daily: dailyReturns(cfg.capital_usd, series.openTime, r.equity) };
}

export function dailyReturns(capital: number, times: ArrayLike<number>, equity: ArrayLike<number>): number[] {
  const out: number[] = [];
  let prev = capital;
  for (let i = 0; i < equity.length; i++) {
    const last = i === equity.length - 1 || Math.floor(times[i + 1]! / DAY_MS) !== Math.floor(times[i]! / DAY_MS);
    if (!last) continue;
    out.push(prev === 0 ? 0 : equity[i]! / prev - 1);
    prev = equity[i]!;
  }
  return out;
}

const cache = new WeakMap<FundingSeries, (s: string, t: number) => number | undefined>();
function fundingFn(f: FundingSeries, intervalMs: number): (s: string, t: number) => number | undefined {
  let fn = cache.get(f);
  if (!fn) cache.set(f, (fn = fundingLookup(f, intervalMs)));
  return fn;
}
