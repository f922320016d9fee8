import type { Bar } from '../market/bar.ts';
import type { StrategyParams } from '../types.ts';
import type { IndicatorState } from './indicatorState.ts';

/**
 * Fold bar t into EMA(fast), EMA(slow), ATR and ADX (spec section 1). Donchian is NOT updated
 * here: HH_t/LL_t exclude bar t, so the engine reads them first and calls `pushDonchian` last.
 * Arithmetic is written in the spec's order so that float results are reproducible.
 */
export function updateIndicators(s: IndicatorState, p: StrategyParams, b: Bar): void {
  // The bar is passed as an object, not as three doubles: V8 boxes double arguments of calls it
  // does not inline, which cost ~100 bytes of garbage per bar in the backtest fold.
  const high = b.high;
  const low = b.low;
  const close = b.close;
  const t = ++s.t;

  // EMA: first value at n-1 = mean of closes 0..n-1, then alpha*close + (1-alpha)*prev.
  const nf = p.ema_fast;
  if (t < nf - 1) s.emaFast += close;
  else if (t === nf - 1) s.emaFast = (s.emaFast + close) / nf;
  else {
    const a = 2 / (nf + 1);
    s.emaFast = a * close + (1 - a) * s.emaFast;
  }
  const ns = p.ema_slow;
  if (t < ns - 1) s.emaSlow += close;
  else if (t === ns - 1) s.emaSlow = (s.emaSlow + close) / ns;
  else {
    const a = 2 / (ns + 1);
    s.emaSlow = a * close + (1 - a) * s.emaSlow;
  }

  if (t >= 1) {
    const pc = s.prevClose;
    const hl = high - low;
    const hc = Math.abs(high - pc);
    const lc = Math.abs(low - pc);
    const tr = hl > hc ? (hl > lc ? hl : lc) : hc > lc ? hc : lc;

    // ATR (Wilder): first at n = mean(TR_1..TR_n), then (atr*(n-1) + TR)/n.
    const na = p.atr_period;
    if (t < na) s.atr += tr;
    else if (t === na) s.atr = (s.atr + tr) / na;
    else s.atr = (s.atr * (na - 1) + tr) / na;

    // ADX (Wilder).
    const up = high - s.prevHigh;
    const down = s.prevLow - low;
    const pdm = up > down && up > 0 ? up : 0;
    const mdm = down > up && down > 0 ? down : 0;
    const nx = p.adx_period;
    if (t <= nx) {
      s.sTr += tr;
      s.sPdm += pdm;
      s.sMdm += mdm;
    } else {
      s.sTr = s.sTr - s.sTr / nx + tr;
      s.sPdm = s.sPdm - s.sPdm / nx + pdm;
      s.sMdm = s.sMdm - s.sMdm / nx + mdm;
    }
    if (t >= nx) {
      // A window of perfectly flat bars has S(TR) = 0: DI are then 0 (no directional movement).
      const pdi = s.sTr === 0 ? 0 : (100 * s.sPdm) / s.sTr;
      const mdi = s.sTr === 0 ? 0 : (100 * s.sMdm) / s.sTr;
      const sum = pdi + mdi;
      const dx = sum === 0 ? 0 : (100 * Math.abs(pdi - mdi)) / sum;
      s.plusDi = pdi;
      s.minusDi = mdi;
      s.dx = dx;
      const first = 2 * nx - 1;
      if (t < first) s.adx += dx;
      else if (t === first) s.adx = (s.adx + dx) / nx;
      else s.adx = (s.adx * (nx - 1) + dx) / nx;
    }
  }
  s.prevHigh = high;
  s.prevLow = low;
  s.prevClose = close;
}

/**
 * Append bar t's high/low to the Donchian window: call at the end of the step, after the
 * decision at the close of t (HH_t/LL_t exclude bar t).
 */
export function pushDonchian(s: IndicatorState, b: Bar): void {
  const k = s.hh.length;
  const pos = s.ringPos;
  const h = b.high;
  const l = b.low;
  const full = s.ringFilled === k;
  if (full) {
    // The value leaving the window was the cached extreme: recompute on the next request.
    if (s.hh[pos] === s.hhMax) s.hhValid = 0;
    if (s.ll[pos] === s.llMin) s.llValid = 0;
  } else s.ringFilled++;
  s.hh[pos] = h;
  s.ll[pos] = l;
  if (s.hhValid === 1 && h > s.hhMax) s.hhMax = h;
  if (s.llValid === 1 && l < s.llMin) s.llMin = l;
  s.ringPos = pos + 1 === k ? 0 : pos + 1;
}

/** HH_t = max(high_{t-k}..high_{t-1}); NaN until k bars precede t. */
export function donchianHigh(s: IndicatorState): number {
  const k = s.hh.length;
  if (s.ringFilled < k) return NaN;
  if (s.hhValid === 0) {
    const a = s.hh;
    let m = a[0]!;
    for (let i = 1; i < k; i++) if (a[i]! > m) m = a[i]!;
    s.hhMax = m;
    s.hhValid = 1;
  }
  return s.hhMax;
}

/** LL_t = min(low_{t-k}..low_{t-1}); NaN until k bars precede t. */
export function donchianLow(s: IndicatorState): number {
  const k = s.ll.length;
  if (s.ringFilled < k) return NaN;
  if (s.llValid === 0) {
    const a = s.ll;
    let m = a[0]!;
    for (let i = 1; i < k; i++) if (a[i]! < m) m = a[i]!;
    s.llMin = m;
    s.llValid = 1;
  }
  return s.llMin;
}

/** Every indicator has a value at the last folded bar t (spec section 1, "ready"). */
export function indicatorsReady(s: IndicatorState, p: StrategyParams): boolean {
  const t = s.t;
  return (
    t >= p.ema_slow - 1 &&
    t >= p.ema_fast - 1 &&
    t >= p.atr_period &&
    t >= 2 * p.adx_period - 1 &&
    s.ringFilled >= s.hh.length
  );
}
