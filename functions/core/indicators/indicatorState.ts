import type { StrategyParams } from '../types.ts';

/**
 * Incremental indicator state for one symbol (spec section 1, TA-Lib conventions).
 * Plain numbers and arrays only, so it serialises to JSON and the live state in DynamoDB is
 * byte-for-byte what the backtest fold holds after the same bars (DESIGN section 1).
 * While an indicator is seeding, its value field holds the running sum of the seed window.
 */
export interface IndicatorState {
  /** Index of the last folded bar since the (re)start; -1 before the first bar. */
  t: number;
  prevHigh: number;
  prevLow: number;
  prevClose: number;
  emaFast: number;
  emaSlow: number;
  atr: number;
  /** Wilder sums for ADX: S(TR), S(+DM), S(-DM). */
  sTr: number;
  sPdm: number;
  sMdm: number;
  plusDi: number;
  minusDi: number;
  dx: number;
  adx: number;
  /**
   * Donchian window: rings of the last `breakout_bars` highs/lows, bar t itself excluded
   * (bar t joins at the end of the step). HH/LL are computed lazily - only when the cheaper
   * signal conditions hold - and cached until the extreme leaves the window; the push only
   * invalidates, it never rescans (a deque or an eager rescan costs ~30 ns/bar in branch misses).
   */
  hh: number[];
  ll: number[];
  ringPos: number;
  ringFilled: number;
  hhMax: number;
  llMin: number;
  /** 1 when hhMax/llMin are the window's extremes, 0 when they must be recomputed. */
  hhValid: number;
  llValid: number;
}

export function newIndicatorState(p: StrategyParams): IndicatorState {
  return {
    t: -1,
    prevHigh: 0,
    prevLow: 0,
    prevClose: 0,
    emaFast: 0,
    emaSlow: 0,
    atr: 0,
    sTr: 0,
    sPdm: 0,
    sMdm: 0,
    plusDi: 0,
    minusDi: 0,
    dx: 0,
    adx: 0,
    hh: doubles(p.breakout_bars),
    ll: doubles(p.breakout_bars),
    ringPos: 0,
    ringFilled: 0,
    hhMax: 0,
    llMin: 0,
    hhValid: 0,
    llValid: 0,
  };
}

/**
 * A packed array of doubles. `new Array(k).fill(0)` would be a holey Smi array that V8 has to
 * transition and hole-check on every store (measured: ~25 ns per bar in the Donchian push).
 */
function doubles(k: number, from?: readonly number[]): number[] {
  const a: number[] = [];
  for (let i = 0; i < k; i++) a.push(0.5);
  for (let i = 0; i < k; i++) a[i] = from ? from[i]! : 0;
  return a;
}

export function cloneIndicatorState(s: IndicatorState): IndicatorState {
  return { ...s, hh: doubles(s.hh.length, s.hh), ll: doubles(s.ll.length, s.ll) };
}

/** Rebuild a state read from JSON so its arrays are packed doubles again (see `doubles`). */
export function reviveIndicatorState(s: IndicatorState): IndicatorState {
  return cloneIndicatorState(s);
}
