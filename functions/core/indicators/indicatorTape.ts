import { InvariantError } from '../errors.ts';
import type { BarSeries } from '../market/bar.ts';
import type { StrategyParams } from '../types.ts';
import { newIndicatorState, type IndicatorState } from './indicatorState.ts';
import { donchianHigh, donchianLow, pushDonchian, updateIndicators } from './updateIndicators.ts';

/**
 * The indicator series of one symbol's bars under one indicator setting, recorded once and read by
 * any number of backtests (a sweep's combinations that differ only in tp/sl, gates or thresholds).
 * Row t holds what the incremental state holds after `updateIndicators` folded bar t, and the
 * Donchian HH_t/LL_t the signal reads at that close (NaN until the window is full). Recorded by
 * the very functions the engine runs (same float operations, same order), so a taped backtest is
 * bit-identical to a plain one; gaps restart the indicators exactly where the step restarts them.
 */
export interface IndicatorTape {
  /** `indicatorKey` of the setting it was recorded with. */
  readonly key: string;
  readonly length: number;
  /** First and last open time of the bars it was recorded from (a cheap identity check). */
  readonly firstOpenTime: number;
  readonly lastOpenTime: number;
  readonly t: Int32Array;
  readonly emaFast: Float64Array;
  readonly emaSlow: Float64Array;
  readonly atr: Float64Array;
  readonly adx: Float64Array;
  readonly dx: Float64Array;
  readonly plusDi: Float64Array;
  readonly minusDi: Float64Array;
  readonly hh: Float64Array;
  readonly ll: Float64Array;
}

/** The strategy parameters that determine the indicator series (spec section 1); nothing else does. */
export const INDICATOR_PARAMS = ['ema_fast', 'ema_slow', 'atr_period', 'adx_period', 'breakout_bars'] as const;

/** One string per distinct indicator setting: combinations with the same key share a tape. */
export function indicatorKey(p: StrategyParams): string {
  return INDICATOR_PARAMS.map((k) => `${k}=${p[k]}`).join(',');
}

/** Bytes per bar of a tape: `t` as int32 and nine float64 columns. */
export const TAPE_BYTES_PER_BAR = 4 + 9 * 8;

/**
 * Record the tape of `series` under `p`. `alloc` makes the one buffer behind all columns (a sweep
 * passes a SharedArrayBuffer so worker threads read the same memory).
 */
export function recordIndicatorTape(series: BarSeries, p: StrategyParams, alloc: (bytes: number) => ArrayBufferLike = (b) => new ArrayBuffer(b)): IndicatorTape {
  const n = series.length;
  const buf = alloc(n * TAPE_BYTES_PER_BAR);
  const col = (k: number): Float64Array => new Float64Array(buf, k * n * 8, n);
  const tape: IndicatorTape = {
    key: indicatorKey(p),
    length: n,
    firstOpenTime: n > 0 ? series.openTime[0]! : NaN,
    lastOpenTime: n > 0 ? series.openTime[n - 1]! : NaN,
    emaFast: col(0),
    emaSlow: col(1),
    atr: col(2),
    adx: col(3),
    dx: col(4),
    plusDi: col(5),
    minusDi: col(6),
    hh: col(7),
    ll: col(8),
    t: new Int32Array(buf, n * 72, n),
  };
  // A plain copy: configs are deep-frozen, and frozen objects read in a hot loop are slow (see runBacktest).
  fillTape(series, { ...p }, tape);
  return tape;
}

/** The recording fold; columns in locals (a property load per store measured 2x slower). */
function fillTape(series: BarSeries, p: StrategyParams, tape: IndicatorTape): void {
  const { t, emaFast, emaSlow, atr, adx, dx, plusDi, minusDi, hh, ll } = tape;
  const { openTime, high, low, close } = series;
  const n = series.length;
  const iv = series.intervalMs;
  const bar = { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  let s: IndicatorState = newIndicatorState(p);
  for (let i = 0; i < n; i++) {
    bar.openTime = openTime[i]!;
    bar.high = high[i]!;
    bar.low = low[i]!;
    bar.close = close[i]!;
    // stepBar's restart after a hole (--allow-gaps); without it the backtest stops at the gap anyway
    if (i > 0 && bar.openTime - openTime[i - 1]! !== iv) s = newIndicatorState(p);
    updateIndicators(s, p, bar);
    t[i] = s.t;
    emaFast[i] = s.emaFast;
    emaSlow[i] = s.emaSlow;
    atr[i] = s.atr;
    adx[i] = s.adx;
    dx[i] = s.dx;
    plusDi[i] = s.plusDi;
    minusDi[i] = s.minusDi;
    hh[i] = donchianHigh(s);
    ll[i] = donchianLow(s);
    pushDonchian(s, bar);
  }
}

/** Refuse a tape that was not recorded from these bars under these parameters. */
export function checkIndicatorTape(tape: IndicatorTape, series: BarSeries, p: StrategyParams): void {
  const key = indicatorKey(p);
  if (tape.key !== key) throw new InvariantError(`indicator tape of another setting (config: ${key})`, 'tape.key', tape.key);
  if (tape.length !== series.length) throw new InvariantError(`indicator tape of other bars (${series.symbol} has ${series.length})`, 'tape.length', tape.length);
  if (series.length > 0 && (tape.firstOpenTime !== series.openTime[0] || tape.lastOpenTime !== series.openTime[series.length - 1])) {
    throw new InvariantError(`indicator tape of other bars (${series.symbol})`, 'tape.firstOpenTime', tape.firstOpenTime);
  }
}

/**
 * Row `row` into the state, in place of `updateIndicators` at the close of that bar. The Donchian
 * extremes are set as the cached, valid HH/LL of a full window (or an empty window while HH is NaN),
 * so `donchianHigh/Low` and `indicatorsReady` read exactly what the incremental state would give.
 * The rings themselves are not maintained: a taped run's final state is for reading, not resuming.
 */
export function loadTapeRow(s: IndicatorState, tape: IndicatorTape, row: number): void {
  s.t = tape.t[row]!;
  s.emaFast = tape.emaFast[row]!;
  s.emaSlow = tape.emaSlow[row]!;
  s.atr = tape.atr[row]!;
  s.adx = tape.adx[row]!;
  s.dx = tape.dx[row]!;
  s.plusDi = tape.plusDi[row]!;
  s.minusDi = tape.minusDi[row]!;
  const hh = tape.hh[row]!;
  if (hh === hh) {
    s.ringFilled = s.hh.length;
    s.hhMax = hh;
    s.llMin = tape.ll[row]!;
    s.hhValid = 1;
    s.llValid = 1;
  } else s.ringFilled = 0;
}
