import { deepMerge, parseConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { emptySeries, type BarSeries } from '../../functions/core/market/bar.ts';

export type Row = [o: number, h: number, l: number, c: number];

/** Bars from rows, 5m apart from `start` (ms UTC). */
export function bars(rows: Row[], start = Date.UTC(2025, 0, 1, 0, 0), symbol = 'TESTUSDT', intervalMs = 300_000): BarSeries {
  const s = emptySeries(symbol, intervalMs, rows.length);
  rows.forEach(([o, h, l, c], i) => {
    s.openTime[i] = start + i * intervalMs;
    s.open[i] = o;
    s.high[i] = h;
    s.low[i] = l;
    s.close[i] = c;
    s.volume[i] = 1;
  });
  return s;
}

/**
 * Small periods so that every number can be computed by hand: ready at t = 3, ADX never blocks
 * (adx_min 0), ATR/close never blocks (min_atr_pct 0). Market TESTUSDT: tick 0.01, step 0.001.
 */
export function testConfig(over: Record<string, unknown> = {}): AppConfig {
  const base = {
    symbols: ['TESTUSDT'],
    strategy: { name: 'trending_v3', params: { ema_fast: 2, ema_slow: 3, atr_period: 2, adx_period: 2, adx_min: 0, breakout_bars: 2, tp_atr: 1.25, sl_atr: 0.9, min_atr_pct: 0, cooldown_bars: 3, max_hold_bars: 48 } },
    markets: { TESTUSDT: { tick: 0.01, step: 0.001, min_notional: 5 } },
  };
  return parseConfig(deepMerge(base, over)).config;
}


/**
 * A steady up-move: O_t = C_{t-1}, C_t = 100 + 2t, H_t = C_t + 0.5, L_t = O_t - 0.5.
 * Every TR is 3 (so ATR = 3) and every close breaks the previous two highs: the first long
 * signal is at t = 3 (close 106 > HH = 104.5), entry at the open of bar 4 (= 106).
 */
export function upMove(n: number): Row[] {
  const rows: Row[] = [];
  for (let t = 0; t < n; t++) {
    const c = 100 + 2 * t;
    const o = t === 0 ? 100 : 100 + 2 * (t - 1);
    rows.push([o, c + 0.5, o - 0.5, c]);
  }
  return rows;
}

/** Flat bars at price p (no trigger, no signal: close never breaks the previous highs). */
export function flat(n: number, p: number): Row[] {
  return Array.from({ length: n }, () => [p, p + 0.1, p - 0.1, p] as Row);
}
