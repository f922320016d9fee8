import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxDrawdown } from '../../../functions/core/report/maxDrawdown.ts';

/** The definition, per close (spec section 5): peak so far (from capital), its drop in USD and as a fraction of it. */
function reference(capital: number, equity: ArrayLike<number>): { usd: number; fraction: number } {
  let peak = capital;
  let usd = 0;
  let fraction = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    const dd = peak - e;
    if (dd > usd) usd = dd;
    const f = peak > 0 ? dd / peak : 0;
    if (f > fraction) fraction = f;
  }
  return { usd, fraction };
}

describe('maxDrawdown', () => {
  it('by hand: the largest USD drop and the largest fractional drop come from different peaks', () => {
    // peak 1000 -> 900 (100 USD, 10%); peak 2000 -> 1850 (150 USD, 7.5%)
    const r = maxDrawdown(1000, [950, 900, 2000, 1850, 1900]);
    expect(r.usd).toBe(150);
    expect(r.fraction).toBe(100 / 1000);
  });

  it('starts from capital: a series that never reaches it still draws down from it; none when it only rises', () => {
    expect(maxDrawdown(500, [480, 490, 470])).toEqual({ usd: 30, fraction: 30 / 500 });
    expect(maxDrawdown(500, [500, 510, 520])).toEqual({ usd: 0, fraction: 0 });
    expect(maxDrawdown(500, [])).toEqual({ usd: 0, fraction: 0 });
  });

  it('a peak at or below zero counts no fractional drawdown (as the per-close definition)', () => {
    expect(maxDrawdown(0, [-10, -20])).toEqual({ usd: 20, fraction: 0 });
    expect(maxDrawdown(-5, [-1, -3, 4, 2])).toEqual({ usd: 2, fraction: 2 / 4 });
  });

  it('equals the per-close definition bit for bit on random equity paths (division only at each peak)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1000, max: 100_000, noNaN: true }),
        fc.array(fc.double({ min: -2000, max: 200_000, noNaN: true }), { maxLength: 300 }),
        (capital, equity) => {
          const got = maxDrawdown(capital, Float64Array.from(equity));
          const want = reference(capital, equity);
          expect(got.fraction).toBe(want.fraction);
          expect(got.usd).toBe(want.usd);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('equals the per-close definition on random walks with long drawdowns (many bars under one peak)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 5000 }), (seed, n) => {
        let x = seed;
        const rnd = (): number => ((x = (Math.imul(x, 48271) >>> 0) % 2147483647) / 2147483647);
        const eq = new Float64Array(n);
        let e = 10_000;
        for (let i = 0; i < n; i++) eq[i] = e += (rnd() - 0.5) * 37.3;
        const got = maxDrawdown(10_000, eq);
        const want = reference(10_000, eq);
        expect(got.usd).toBe(want.usd);
        expect(got.fraction).toBe(want.fraction);
      }),
      { numRuns: 300 },
    );
  });
});
