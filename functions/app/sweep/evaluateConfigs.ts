import type { AppConfig } from '../../../config/schema.ts';
import { runBacktest } from '../../core/engine/runBacktest.ts';
import { indicatorKey, recordIndicatorTape, type IndicatorTape } from '../../core/indicators/indicatorTape.ts';
import type { BarSeries } from '../../core/market/bar.ts';
import type { StrategyParams } from '../../core/types.ts';
import { dayEndIndices } from '../../core/report/dayEndIndices.ts';
import { computeMetrics, dailyReturns } from '../../core/report/metrics.ts';
import { fundingLookup, type FundingSeries } from '../../adapters/local/candles.ts';

/** One combination to run: its index in the grid and its config, resolved (validated, defaults filled). */
export interface ResolvedItem {
  index: number;
  cfg: AppConfig;
}

export const ROW_METRICS = ['trades', 'winRate', 'netPnl', 'returnPct', 'fees', 'funding', 'maxDrawdownUsd', 'maxDrawdownPct', 'sharpe', 'profitFactor', 'exposurePct', 'avgTradePnl'] as const;
export type RowMetric = (typeof ROW_METRICS)[number];

export interface SweepRow {
  index: number;
  metrics: Record<RowMetric, number | null>;
  /** Daily (UTC) returns behind `metrics.sharpe` (`dailyReturns`: the last day ends at the final equity). */
  daily: number[];
}


/** One combination through the one engine (`runBacktest`), reduced to its metrics and daily returns. */
function evaluateConfig(cfg: AppConfig, index: number, series: BarSeries, funding: FundingSeries | undefined, tape: IndicatorTape | undefined): SweepRow {
  const lookup = funding ? fundingFn(funding, series.intervalMs) : undefined;
  const per = perSeries(series);
  // No audit trail per combination (the best one is re-run in full for its files). The equity is
  // read here and dropped: one buffer per series serves every combination (a year of 5m bars is
  // 0.8 MB per run, which otherwise fills the large-object space and drives major GCs).
  const r = runBacktest({ cfg, series: [series], funding: lookup, indicatorTapes: tape ? [tape] : undefined, keepAudit: false, equityBuffer: per.equity });
  const m = computeMetrics({ capital: cfg.capital_usd, trades: r.trades, equity: r.equity, times: series.openTime, finalEquity: r.finalEquity, exposureBars: r.exposureBars, regimeBars: {}, rejections: r.rejections, dayEnds: per.dayEnds });
  const metrics = {} as Record<RowMetric, number | null>;
  for (const k of ROW_METRICS) metrics[k] = m[k];
  return { index, metrics, daily: dailyReturns(cfg.capital_usd, r.equity, per.dayEnds, r.finalEquity) };
}

/**
 * A batch of combinations with their configs resolved, the unit every sweep runs (in-thread, worker
 * threads, the Step Functions item Lambda through `evaluateBatch`): combinations that share an
 * indicator setting share one indicator tape. The tape comes from `shelf` when the caller recorded it
 * already (the worker pool records each setting once, in the main thread); otherwise it is recorded
 * here when two or more items of the batch need it. A lone combination runs plain (recording would be
 * the same work). Rows in the items' order.
 * This module imports no config parser: the sweep workers' bundle is this and the engine only
 * (zod and yaml were 95% of it, and ~50 ms of every worker's start).
 */
export function evaluateConfigs(items: readonly ResolvedItem[], series: BarSeries, funding?: FundingSeries, shelf: TapeShelf = new TapeShelf()): SweepRow[] {
  const keys = items.map((it) => indicatorKey(it.cfg.strategy.params));
  const count = new Map<string, number>();
  for (const k of keys) count.set(k, (count.get(k) ?? 0) + 1);
  const mine = new Map<string, IndicatorTape>(); // this batch's tapes, whatever the shelf evicts
  return items.map((it, n) => {
    const key = keys[n]!;
    let tape = mine.get(key) ?? shelf.get(key);
    if (tape === undefined && count.get(key)! >= 2) tape = shelf.record(series, it.cfg.strategy.params);
    if (tape !== undefined) mine.set(key, tape);
    return atItem(it.index, () => evaluateConfig(it.cfg, it.index, series, funding, tape));
  });
}

/** A combination of a batch failed: which one, and why (`cause`). */
export class SweepItemError extends Error {
  override readonly name = 'SweepItemError';
  constructor(
    readonly index: number,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

export function atItem<T>(index: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new SweepItemError(index, err);
  }
}

/** Indicator tapes at hand, by `indicatorKey`, newest kept (a worker holds its current settings only). */
export class TapeShelf {
  private readonly tapes = new Map<string, IndicatorTape>();
  /** Tapes recorded through this shelf (the sweep reports how often indicators were computed). */
  recorded = 0;
  constructor(private readonly capacity = 2) {}
  record(series: BarSeries, params: StrategyParams, alloc?: (bytes: number) => ArrayBufferLike): IndicatorTape {
    const tape = recordIndicatorTape(series, params, alloc);
    this.recorded++;
    this.put(tape);
    return tape;
  }
  get(key: string): IndicatorTape | undefined {
    return this.tapes.get(key);
  }
  put(tape: IndicatorTape): void {
    this.tapes.delete(tape.key);
    this.tapes.set(tape.key, tape);
    for (const k of this.tapes.keys()) {
      if (this.tapes.size <= this.capacity) break;
      this.tapes.delete(k);
    }
  }
}

/** What every combination over the same bars shares: the day ends, and a scratch equity buffer. */
const perSeriesCache = new WeakMap<ArrayLike<number>, { dayEnds: Int32Array; equity: Float64Array }>();
function perSeries(series: BarSeries): { dayEnds: Int32Array; equity: Float64Array } {
  let p = perSeriesCache.get(series.openTime);
  if (!p) perSeriesCache.set(series.openTime, (p = { dayEnds: dayEndIndices(series.openTime), equity: new Float64Array(series.length) }));
  return p;
}

const cache = new WeakMap<FundingSeries, (s: string, t: number) => number | undefined>();
function fundingFn(f: FundingSeries, intervalMs: number): (s: string, t: number) => number | undefined {
  let fn = cache.get(f);
  if (!fn) cache.set(f, (fn = fundingLookup(f, intervalMs)));
  return fn;
}
