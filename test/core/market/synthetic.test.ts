import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultMarket, syntheticFunding, syntheticMarket } from '../../../functions/core/market/synthetic.ts';

describe('synthetic market', () => {
  it('same seed, identical arrays; another seed, another market', () => {
    const a = syntheticMarket({ seed: 9, bars: 2000 });
    const b = syntheticMarket({ seed: 9, bars: 2000 });
    const c = syntheticMarket({ seed: 10, bars: 2000 });
    expect(Buffer.from(a.close.buffer).equals(Buffer.from(b.close.buffer))).toBe(true);
    expect(Buffer.from(a.close.buffer).equals(Buffer.from(c.close.buffer))).toBe(false);
  });

  it('OHLC is consistent, on the tick, positive, for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const s = syntheticMarket({ seed, bars: 500 });
        for (let i = 0; i < s.length; i++) {
          const [o, h, l, c] = [s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!];
          if (!(h >= Math.max(o, c) && l <= Math.min(o, c) && l > 0 && s.volume[i]! > 0)) return false;
          for (const x of [o, h, l, c]) if (Math.abs(Math.round(x * 10) - x * 10) > 1e-6) return false;
          if (i > 0 && s.openTime[i]! - s.openTime[i - 1]! !== 300_000) return false;
        }
        return true;
      }),
      { numRuns: 50 },
    );
  });

  it('BTC-like 5m statistics: per-bar return std 0.08-0.3 %, fat tails (kurtosis > 3)', () => {
    const s = defaultMarket();
    const r: number[] = [];
    for (let i = 1; i < s.length; i++) r.push(Math.log(s.close[i]! / s.close[i - 1]!));
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const v = r.reduce((a, x) => a + (x - mean) ** 2, 0) / r.length;
    const k = r.reduce((a, x) => a + (x - mean) ** 4, 0) / r.length / (v * v);
    expect(Math.sqrt(v)).toBeGreaterThan(0.0008);
    expect(Math.sqrt(v)).toBeLessThan(0.003);
    expect(k).toBeGreaterThan(3);
    expect(s.length).toBe(17_280);
  });

  it('funding every 8 h around 0.01 %', () => {
    const f = syntheticFunding(1, Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 11));
    expect(f.time.length).toBe(31);
    expect(f.time[1]! - f.time[0]!).toBe(8 * 3_600_000);
    const mean = f.rate.reduce((a, b) => a + b, 0) / f.rate.length;
    expect(mean).toBeGreaterThan(0);
    expect(mean).toBeLessThan(0.0003);
  });
});
