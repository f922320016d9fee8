import type { AppConfig } from '../../../config/schema.ts';
import type { FundingSeries } from '../../adapters/local/candles.ts';
import { fundingLookup } from '../../adapters/local/candles.ts';
import type { ClosedTrade } from '../../core/engine/events.ts';
import { runBacktest } from '../../core/engine/runBacktest.ts';
import { sliceSeries, type BarSeries } from '../../core/market/bar.ts';
import { DAY_MS, isoUtc } from '../../core/market/timeframe.ts';
import { computeMetrics, type Metrics } from '../../core/report/metrics.ts';
import { GATE_RULES, type GateRule } from '../../core/types.ts';
import { comboConfig, type Grid } from './grid.ts';
import { runSweep, sweepWorkers } from './runSweep.ts';
import { SweepPool } from './sweepPool.ts';
import { bestIndex, paramsOf, SWEEP_METRICS } from './sweepSummary.ts';

export interface WalkforwardInput {
  base: AppConfig;
  grid: Grid;
  series: BarSeries;
  funding?: FundingSeries | undefined;
  trainDays: number;
  testDays: number;
  stepDays: number;
  /** Anchored: every train window starts at the first bar; rolling (default): it moves by `stepDays`. */
  anchored?: boolean;
  metric: string;
  workers?: number;
  /** Keep one set of worker threads for all windows (default); false starts a fresh set per window (the bench's baseline). */
  reuseWorkers?: boolean;
  onProgress?: ((window: number, windows: number) => void) | undefined;
}

export interface WalkforwardWindow {
  trainFrom: string;
  trainTo: string;
  testFrom: string;
  testTo: string;
  params: Record<string, number>;
  isMetric: number | null;
  oosMetric: number | null;
  oosTrades: number;
  oosPnl: number;
}

export interface WalkforwardSummary {
  metric: string;
  anchored: boolean;
  windows: WalkforwardWindow[];
  oos: Metrics;
  isMean: number | null;
  oosMean: number | null;
  positiveWindows: number;
  verdict: string;
}

export interface WalkforwardResult {
  summary: WalkforwardSummary;
  /** Out-of-sample trades of every test window, in time order. */
  trades: ClosedTrade[];
  /** The test windows' bars and the stitched out-of-sample equity at each of their closes. */
  series: BarSeries;
  equity: Float64Array;
}

export class WalkforwardError extends Error {
  override readonly name = 'WalkforwardError';
}

/** `90d` -> 90. */
export function parseDays(flag: string, v: string): number {
  const m = /^(\d+)d$/.exec(v.trim());
  if (!m || Number(m[1]) <= 0) throw new WalkforwardError(`${flag} ${v}: expected a number of days such as 90d`);
  return Number(m[1]);
}

/**
 * Walk-forward: per window, the grid is swept over the train bars (the sweep pool), the best
 * combination by `metric` is run on the test bars that follow, and the test windows' results are
 * stitched. Each test run starts flat: its indicators are warmed on the bars before it with the
 * kill switch on `halt` (no entries), then the test bars run from that state with it `off`, so no
 * in-sample trade leaks into the out-of-sample record.
 */
export async function walkforward(i: WalkforwardInput): Promise<WalkforwardResult> {
  const metric = SWEEP_METRICS[i.metric];
  if (!metric) throw new WalkforwardError(`--metric ${i.metric}: expected one of ${Object.keys(SWEEP_METRICS).join(', ')}`);
  const s = i.series;
  const perDay = Math.round(DAY_MS / s.intervalMs);
  const [train, test, step] = [i.trainDays * perDay, i.testDays * perDay, i.stepDays * perDay];
  if (i.stepDays < i.testDays) throw new WalkforwardError(`--step ${i.stepDays}d is shorter than --test ${i.testDays}d: test windows would overlap and count bars twice`);
  const starts: number[] = [];
  for (let k = 0; train + k * step + test <= s.length; k++) starts.push(k);
  if (starts.length === 0) throw new WalkforwardError(`${Math.floor(s.length / perDay)} days of data: too few for one window of ${i.trainDays}d train + ${i.testDays}d test`);
  const p = i.base.strategy.params;
  const warm = 10 * Math.max(p.ema_slow, 2 * p.adx_period, p.atr_period, p.breakout_bars);
  const lookup = i.funding ? fundingLookup(i.funding, s.intervalMs) : undefined;
  const windows: WalkforwardWindow[] = [];
  const trades: ClosedTrade[] = [];
  const testFrom0 = train;
  const oosLen = (starts.length - 1) * step + test;
  const oosSeries = sliceSeries(s, testFrom0, testFrom0 + oosLen);
  const equity = new Float64Array(oosLen);
  let carried = 0;
  let filled = 0;
  let exposureBars = 0;
  const rejections = Object.fromEntries(GATE_RULES.map((g) => [g, 0])) as Record<GateRule, number>;
  // one set of worker threads for every window's sweep (started once, JIT-warm after the first)
  const poolSize = sweepWorkers(i.workers, i.grid.size);
  const pool = i.reuseWorkers === false || poolSize === 0 ? undefined : new SweepPool(poolSize);
  try {
    for (const k of starts) {
      const trFrom = i.anchored ? 0 : k * step;
      const trTo = i.anchored ? train + k * step : k * step + train;
      const teTo = trTo + test;
      const sw = await runSweep({ base: i.base, grid: i.grid, series: sliceSeries(s, trFrom, trTo), funding: i.funding, workers: i.workers, pool });
      const b = bestIndex(sw.rows, metric);
      const cfg = comboConfig(i.base, i.grid, b);
      const w0 = Math.max(0, trTo - warm);
      const warmRun = runBacktest({ cfg, series: [sliceSeries(s, w0, trTo)], funding: lookup, killSwitch: 'halt', closeAtEnd: false });
      const testSeries = sliceSeries(s, trTo, teTo);
      const run = runBacktest({ cfg, series: [testSeries], funding: lookup, initialState: warmRun.state });
      // the test run starts from the warm-up state: capital unchanged (no entries were allowed)
      const m = computeMetrics({ capital: cfg.capital_usd, trades: run.trades, equity: run.equity, times: testSeries.openTime, finalEquity: run.finalEquity, exposureBars: run.exposureBars, regimeBars: {}, rejections: run.rejections });
      trades.push(...run.trades);
      // stitch: this window's test bars not yet covered (windows overlap when step < test)
      const offset = trTo - testFrom0;
      for (let j = filled; j < offset; j++) equity[j] = i.base.capital_usd + carried; // between test windows (step > test): flat
      for (let j = offset; j < offset + test; j++) equity[j] = carried + run.equity[j - offset]!;
      // positions still open are closed at the window's last close (reason `end`): its equity includes that exit
      equity[offset + test - 1] = carried + run.finalEquity;
      exposureBars += run.exposureBars;
      for (const g of GATE_RULES) rejections[g] += run.rejections[g];
      const pnl = run.trades.reduce((a, t) => a + t.pnl, 0);
      windows.push({ trainFrom: isoUtc(s.openTime[trFrom]!), trainTo: isoUtc(s.openTime[trTo - 1]! + s.intervalMs), testFrom: isoUtc(s.openTime[trTo]!), testTo: isoUtc(s.openTime[teTo - 1]! + s.intervalMs), params: paramsOf(i.grid, b), isMetric: sw.rows[b]!.metrics[metric], oosMetric: m[metric], oosTrades: run.trades.length, oosPnl: pnl });
      carried += run.finalEquity - cfg.capital_usd;
      filled = offset + test;
      i.onProgress?.(windows.length, starts.length);
    }
  } finally {
    await pool?.close();
  }
  const capital = i.base.capital_usd;
  const oos = computeMetrics({ capital, trades, equity, times: oosSeries.openTime, finalEquity: capital + carried, exposureBars, regimeBars: {}, rejections });
  const mean = (xs: Array<number | null>): number | null => {
    const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  const isMean = mean(windows.map((w) => w.isMetric));
  const oosMean = mean(windows.map((w) => w.oosMetric));
  const positiveWindows = windows.filter((w) => w.oosPnl > 0).length;
  const verdict =
    oos.netPnl > 0 && oos.sharpe > 0 && positiveWindows * 2 >= windows.length
      ? `OUT-OF-SAMPLE POSITIVE: ${windows.length} windows, ${positiveWindows} with a profit; stitched out-of-sample net P&L ${oos.netPnl.toFixed(2)} USD, Sharpe ${oos.sharpe.toFixed(2)} (in-sample mean ${i.metric} ${isMean?.toFixed(3) ?? '-'} vs out-of-sample ${oosMean?.toFixed(3) ?? '-'}).`
      : `NO OUT-OF-SAMPLE EDGE: ${windows.length} windows, ${positiveWindows} with a profit; stitched out-of-sample net P&L ${oos.netPnl.toFixed(2)} USD, Sharpe ${oos.sharpe.toFixed(2)}; the parameters chosen in sample (mean ${i.metric} ${isMean?.toFixed(3) ?? '-'}) do not carry forward (${oosMean?.toFixed(3) ?? '-'} out of sample).`;
  return { summary: { metric: i.metric, anchored: !!i.anchored, windows, oos, isMean, oosMean, positiveWindows, verdict }, trades, series: oosSeries, equity };
}
