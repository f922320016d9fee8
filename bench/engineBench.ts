import { runBacktest, thaw } from '../functions/core/engine/runBacktest.ts';
import { newIndicatorState } from '../functions/core/indicators/indicatorState.ts';
import { pushDonchian, updateIndicators } from '../functions/core/indicators/updateIndicators.ts';
import type { Bar, BarSeries } from '../functions/core/market/bar.ts';
import { trendingV3Signal } from '../functions/core/strategy/trendingV3.ts';
import type { TradingConfig } from '../functions/core/types.ts';

/**
 * The bare loop of the issue: the same indicators and signals over the same arrays, no engine
 * (no SimBroker, gates, portfolio, funding or audit). The ratio engine/bare says what the engine costs.
 */
export function bareLoop(series: BarSeries, cfg: TradingConfig): number {
  const p = thaw(cfg.strategy.params); // the same plain copy the engine reads (see runBacktest)
  const s = newIndicatorState(p);
  const b: Bar = { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  let signals = 0;
  const { high, low, close } = series;
  for (let i = 0; i < series.length; i++) {
    b.high = high[i]!;
    b.low = low[i]!;
    b.close = close[i]!;
    updateIndicators(s, p, b);
    if (trendingV3Signal(s, p, b) !== 0) signals++;
    pushDonchian(s, b);
  }
  return signals;
}

/** Best-of-N wall time (ms) of `fn`, after `warmup` untimed runs (JIT). */
export function timeBest(fn: () => unknown, runs: number, warmup = 5): number {
  for (let i = 0; i < warmup; i++) fn();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export interface EngineBench {
  bars: number;
  trades: number;
  engineMs: number;
  bareMs: number;
  engineBarsPerSec: number;
  bareBarsPerSec: number;
  engineOverBare: number;
  heapGrowthBytes: number;
  heapBytesPerBar: number;
  heapBytesPerTrade: number;
}

export function engineBench(series: BarSeries, cfg: TradingConfig, funding?: (sym: string, t: number) => number | undefined): EngineBench {
  const run = () => runBacktest({ cfg, series: [series], funding });
  const engineMs = timeBest(run, 15);
  const bareMs = timeBest(() => bareLoop(series, cfg), 15);
  // Heap growth of one run (audit kept in memory): should scale with trades, not bars.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const r = run();
  gc?.(); // count what the run retains (trades, audit, equity), not its garbage
  const after = process.memoryUsage().heapUsed;
  const growth = Math.max(0, after - before);
  if (r.trades.length < 0) throw new Error('unreachable'); // keeps r alive until after the measurement
  return {
    bars: series.length,
    trades: r.trades.length,
    engineMs,
    bareMs,
    engineBarsPerSec: series.length / (engineMs / 1000),
    bareBarsPerSec: series.length / (bareMs / 1000),
    engineOverBare: engineMs / bareMs,
    heapGrowthBytes: growth,
    heapBytesPerBar: growth / series.length,
    heapBytesPerTrade: r.trades.length ? growth / r.trades.length : 0,
  };
}
