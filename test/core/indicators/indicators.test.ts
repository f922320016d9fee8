import { existsSync } from 'node:fs';
import { ADX, ATR, EMA } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { loadCandles } from '../../../functions/adapters/local/candles.ts';
import { newIndicatorState } from '../../../functions/core/indicators/indicatorState.ts';
import { donchianHigh, donchianLow, indicatorsReady, pushDonchian, updateIndicators } from '../../../functions/core/indicators/updateIndicators.ts';
import type { StrategyParams } from '../../../functions/core/types.ts';

const P3: StrategyParams = { ema_fast: 3, ema_slow: 4, atr_period: 3, adx_period: 3, adx_min: 20, breakout_bars: 3, tp_atr: 1.25, sl_atr: 0.9, min_atr_pct: 0, cooldown_bars: 3, max_hold_bars: 48 };
//             H   L   C
const ROWS = [[10, 8, 9], [11, 9, 10], [12, 10, 11], [11, 9, 10], [13, 10, 12], [14, 12, 13]] as const;

function fold(p: StrategyParams, rows: readonly (readonly number[])[]) {
  const s = newIndicatorState(p);
  const out: Array<{ ema: number; atr: number; adx: number; pdi: number; mdi: number; dx: number; hh: number; ll: number; ready: boolean }> = [];
  for (const [h, l, c] of rows) {
    const b = { openTime: 0, open: c!, high: h!, low: l!, close: c!, volume: 0 };
    updateIndicators(s, p, b);
    out.push({ ema: s.emaFast, atr: s.atr, adx: s.adx, pdi: s.plusDi, mdi: s.minusDi, dx: s.dx, hh: donchianHigh(s), ll: donchianLow(s), ready: indicatorsReady(s, p) });
    pushDonchian(s, b);
  }
  return out;
}

describe('indicators (spec section 1) on a hand-computed fixture', () => {
  const r = fold(P3, ROWS);
  it('EMA(3): seed = mean of closes 0..2 at t=2, then alpha = 0.5', () => {
    expect(r[2]!.ema).toBe(10); // (9+10+11)/3
    expect(r[3]!.ema).toBe(10); // 0.5*10 + 0.5*10
    expect(r[4]!.ema).toBe(11); // 0.5*12 + 0.5*10
    expect(r[5]!.ema).toBe(12); // 0.5*13 + 0.5*11
  });
  it('ATR(3): TR = 2,2,2,3,2; first at t=3 = mean(TR1..TR3) = 2, then Wilder', () => {
    expect(r[3]!.atr).toBe(2);
    expect(r[4]!.atr).toBeCloseTo(7 / 3, 12); // (2*2 + 3)/3
    expect(r[5]!.atr).toBeCloseTo(20 / 9, 12); // (7/3*2 + 2)/3
  });
  it('ADX(3): Wilder sums from t=3, DI, DX, first ADX at t=5 = mean(DX3..DX5)', () => {
    // t=3: S(TR)=6, S(+DM)=1+1+0=2, S(-DM)=0+0+1=1 -> +DI=33.33, -DI=16.67, DX=100*16.67/50
    expect(r[3]!.pdi).toBeCloseTo(100 / 3, 10);
    expect(r[3]!.mdi).toBeCloseTo(50 / 3, 10);
    expect(r[3]!.dx).toBeCloseTo(100 / 3, 10);
    // t=4: S(TR)=6-2+3=7, S(+)=2-2/3+2=10/3, S(-)=1-1/3=2/3 -> DX = 100*(800/21)/(1200/21)
    expect(r[4]!.dx).toBeCloseTo(200 / 3, 10);
    // t=5: S(TR)=20/3, S(+)=29/9, S(-)=4/9 -> +DI=145/3, -DI=20/3, DX=2500/33
    expect(r[5]!.pdi).toBeCloseTo(145 / 3, 10);
    expect(r[5]!.mdi).toBeCloseTo(20 / 3, 10);
    expect(r[5]!.adx).toBeCloseTo((100 / 3 + 200 / 3 + 2500 / 33) / 3, 10); // 5800/99
  });
  it('Donchian(3) excludes bar t; defined from t=3; ready when every indicator has a value', () => {
    expect(Number.isNaN(r[2]!.hh)).toBe(true);
    expect([r[3]!.hh, r[3]!.ll]).toEqual([12, 8]);
    expect([r[4]!.hh, r[4]!.ll]).toEqual([12, 9]);
    expect([r[5]!.hh, r[5]!.ll]).toEqual([13, 9]);
    // ready needs ADX (first at 2n-1 = 5) and EMA slow (first at 3)
    expect(r.map((x) => x.ready)).toEqual([false, false, false, false, false, true]);
  });
  it('Donchian window equals a brute-force max/min on a long random walk (incl. long down-moves)', () => {
    const p = { ...P3, breakout_bars: 20 };
    const s = newIndicatorState(p);
    const H: number[] = [];
    const L: number[] = [];
    let x = 1000;
    let seed = 7;
    for (let t = 0; t < 5000; t++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      x += ((seed / 2 ** 31) - (t % 700 < 350 ? 0.3 : 0.7)) * 5;
      const b = { openTime: 0, open: x, high: x + 1, low: x - 1, close: x, volume: 0 };
      updateIndicators(s, p, b);
      if (t >= 20) {
        expect(donchianHigh(s)).toBe(Math.max(...H.slice(t - 20, t)));
        expect(donchianLow(s)).toBe(Math.min(...L.slice(t - 20, t)));
      }
      pushDonchian(s, b);
      H.push(b.high);
      L.push(b.low);
    }
  });
});

const BTC = '../shared/data/klines/BTCUSDT-5m-futures-2024-12-31_2026-02-19.csv.gz';

describe.skipIf(!existsSync(BTC))('indicators vs technicalindicators on real BTCUSDT 5m', () => {
  it('agree with the independent library (same conventions: SMA-seeded EMA at n-1, ATR at n, ADX at 2n-1)', () => {
    const { series } = loadCandles(BTC);
    const N = 20_000;
    const p: StrategyParams = { ...P3, ema_fast: 20, ema_slow: 50, atr_period: 14, adx_period: 14, breakout_bars: 20 };
    const s = newIndicatorState(p);
    const ours: Array<{ ema: number; atr: number; adx: number; pdi: number; mdi: number }> = [];
    for (let i = 0; i < N; i++) {
      const b = { openTime: 0, open: series.open[i]!, high: series.high[i]!, low: series.low[i]!, close: series.close[i]!, volume: 0 };
      updateIndicators(s, p, b);
      ours.push({ ema: s.emaFast, atr: s.atr, adx: s.adx, pdi: s.plusDi, mdi: s.minusDi });
      pushDonchian(s, b);
    }
    const close = Array.from(series.close.subarray(0, N));
    const high = Array.from(series.high.subarray(0, N));
    const low = Array.from(series.low.subarray(0, N));
    const ema = EMA.calculate({ period: 20, values: close });
    const atr = ATR.calculate({ period: 14, high, low, close });
    const adx = ADX.calculate({ period: 14, high, low, close });
    // The library's first values sit at the spec's indices: n-1, n, 2n-1.
    expect(N - ema.length).toBe(19);
    expect(N - atr.length).toBe(14);
    expect(N - adx.length).toBe(27);
    // First values are bit-identical; afterwards only float rounding differs (different operation order).
    expect(ours[19]!.ema).toBe(ema[0]);
    expect(ours[14]!.atr).toBe(atr[0]);
    expect(ours[27]!.adx).toBe(adx[0]!.adx);
    // Tolerance: 1e-12 relative for EMA/ATR, 1e-9 absolute (in ADX points) for ADX/DI.
    for (let i = 27; i < N; i++) {
      expect(Math.abs(ours[i]!.ema - ema[i - 19]!) / ema[i - 19]!).toBeLessThan(1e-12);
      expect(Math.abs(ours[i]!.atr - atr[i - 14]!) / atr[i - 14]!).toBeLessThan(1e-12);
      const a = adx[i - 27]!;
      expect(Math.abs(ours[i]!.adx - a.adx)).toBeLessThan(1e-9);
      expect(Math.abs(ours[i]!.pdi - a.pdi)).toBeLessThan(1e-9);
      expect(Math.abs(ours[i]!.mdi - a.mdi)).toBeLessThan(1e-9);
    }
  });
});
