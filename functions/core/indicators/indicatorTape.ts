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
  /**
   * Row-major: bar t's values at `t * TAPE_STRIDE + TAPE_COL.<name>`. One row is what one step
   * reads, so a taped fold reads one memory stream instead of ten (with the six bar columns and the
   * equity, seventeen streams per bar were more than a core's prefetchers follow; two sweep
   * workers then also contend for the shared cache and memory bandwidth).
   */
  readonly rows: Float64Array;
}

/** Column of each value within a tape row (`t` is the indicator state's bar count, an integer). */
export const TAPE_COL = { t: 0, emaFast: 1, emaSlow: 2, atr: 3, adx: 4, dx: 5, plusDi: 6, minusDi: 7, hh: 8, ll: 9 } as const;
export const TAPE_STRIDE = 10;

/** The strategy parameters that determine the indicator series (spec section 1); nothing else does. */
export const INDICATOR_PARAMS = ['ema_fast', 'ema_slow', 'atr_period', 'adx_period', 'breakout_bars'] as const;

/** One string per distinct indicator setting: combinations with the same key share a tape. */
export function indicatorKey(p: StrategyParams): string {
  return INDICATOR_PARAMS.map((k) => `${k}=${p[k]}`).join(',');
}

/** Bytes per bar of a tape: ten float64 values. */
export const TAPE_BYTES_PER_BAR = TAPE_STRIDE * 8;

/**
 * Record the tape of `series` under `p`. `alloc` makes the buffer behind the rows (a sweep passes a
 * SharedArrayBuffer so worker threads read the same memory).
 */
export function recordIndicatorTape(series: BarSeries, p: StrategyParams, alloc: (bytes: number) => ArrayBufferLike = (b) => new ArrayBuffer(b)): IndicatorTape {
  const n = series.length;
  const tape: IndicatorTape = {
    key: indicatorKey(p),
    length: n,
    firstOpenTime: n > 0 ? series.openTime[0]! : NaN,
    lastOpenTime: n > 0 ? series.openTime[n - 1]! : NaN,
    rows: new Float64Array(alloc(n * TAPE_BYTES_PER_BAR), 0, n * TAPE_STRIDE),
  };
  // A plain copy: configs are deep-frozen, and frozen objects read in a hot loop are slow (see runBacktest).
  fillTape(series, { ...p }, tape);
  return tape;
}

/** The recording fold (columns and rows in locals: a property load per store measured 2x slower). */
function fillTape(series: BarSeries, p: StrategyParams, tape: IndicatorTape): void {
  const rows = tape.rows;
  const { openTime, high, low, close } = series;
  const n = series.length;
  const iv = series.intervalMs;
  const bar = { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  let s: IndicatorState = newIndicatorState(p);
  for (let i = 0, o = 0; i < n; i++, o += TAPE_STRIDE) {
    bar.openTime = openTime[i]!;
    bar.high = high[i]!;
    bar.low = low[i]!;
    bar.close = close[i]!;
    // stepBar's restart after a hole (--allow-gaps); without it the backtest stops at the gap anyway
    if (i > 0 && bar.openTime - openTime[i - 1]! !== iv) s = newIndicatorState(p);
    updateIndicators(s, p, bar);
    // offsets as in TAPE_COL, written out (hot loop; loadTapeRow reads them back the same way)
    rows[o] = s.t;
    rows[o + 1] = s.emaFast;
    rows[o + 2] = s.emaSlow;
    rows[o + 3] = s.atr;
    rows[o + 4] = s.adx;
    rows[o + 5] = s.dx;
    rows[o + 6] = s.plusDi;
    rows[o + 7] = s.minusDi;
    rows[o + 8] = donchianHigh(s);
    rows[o + 9] = donchianLow(s);
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
  const r = tape.rows;
  const o = row * TAPE_STRIDE;
  s.t = r[o]! | 0; // an integer count, stored exactly as a double
  s.emaFast = r[o + 1]!;
  s.emaSlow = r[o + 2]!;
  s.atr = r[o + 3]!;
  s.adx = r[o + 4]!;
  s.dx = r[o + 5]!;
  s.plusDi = r[o + 6]!;
  s.minusDi = r[o + 7]!;
  const hh = r[o + 8]!;
  if (hh === hh) {
    s.ringFilled = s.hh.length;
    s.hhMax = hh;
    s.llMin = r[o + 9]!;
    s.hhValid = 1;
    s.llValid = 1;
  } else s.ringFilled = 0;
}
