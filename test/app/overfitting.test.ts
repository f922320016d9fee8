import { describe, expect, it } from 'vitest';
import { deflatedSharpeRatio, overfittingVerdict, periodSharpe, probabilityOfBacktestOverfitting } from '../../functions/app/sweep/overfitting.ts';
import { Rng } from '../../functions/core/market/rng.ts';

/** N strategies x T periods of iid N(mu_n, 1%) returns from a seeded generator. */
function panel(seed: number, N: number, T: number, mu: (n: number) => number): number[][] {
  const r = new Rng(seed);
  return Array.from({ length: N }, (_, n) => Array.from({ length: T }, () => mu(n) + 0.01 * r.normal()));
}

describe('probability of backtest overfitting (CSCV) and the deflated Sharpe ratio', () => {
  it('pure noise: the in-sample winner is a coin flip out of sample (PBO near 0.5), and DSR says luck', () => {
    const pbos: number[] = [];
    for (const seed of [1, 2, 3]) {
      const m = panel(seed, 40, 800, () => 0);
      const p = probabilityOfBacktestOverfitting(m, 16);
      expect(p.splits).toBe(12_870);
      expect(p.periods).toBe(800);
      pbos.push(p.pbo);
      const sharpes = m.map(periodSharpe);
      const best = sharpes.indexOf(Math.max(...sharpes));
      const d = deflatedSharpeRatio(m[best]!, sharpes);
      expect(d.threshold).toBeGreaterThan(0);
      expect(d.dsr).toBeLessThan(0.95);
      expect(overfittingVerdict(p, d)).toMatch(/likely overfit|not significant/);
    }
    const avg = pbos.reduce((a, b) => a + b, 0) / pbos.length;
    expect(avg).toBeGreaterThan(0.35);
    expect(avg).toBeLessThan(0.75);
  });

  it('a planted edge: one strategy with a real mean return wins in and out of sample (PBO near 0, DSR near 1)', () => {
    const m = panel(7, 40, 800, (n) => (n === 17 ? 0.003 : 0));
    const p = probabilityOfBacktestOverfitting(m, 16);
    expect(p.pbo).toBeLessThan(0.05);
    expect(p.medianOosRank).toBeGreaterThan(0.9);
    const sharpes = m.map(periodSharpe);
    expect(sharpes.indexOf(Math.max(...sharpes))).toBe(17);
    const d = deflatedSharpeRatio(m[17]!, sharpes);
    expect(d.dsr).toBeGreaterThan(0.99);
    expect(overfittingVerdict(p, d)).toMatch(/survives the trial count/);
  });

  it('hand-checked pieces: rank logit, the DSR threshold for N trials, flat series, bad inputs', () => {
    // two strategies, the better one in sample is also better out of sample in every split
    const up = Array.from({ length: 32 }, (_, t) => 0.01 + (t % 2 ? 0.001 : -0.001));
    const down = up.map((x) => -x);
    const p = probabilityOfBacktestOverfitting([down, up], 4);
    expect(p.splits).toBe(6);
    // rank of the winner = 2 of N=2 -> w = 2/3, logit = ln 2
    for (const l of p.logits) expect(l).toBeCloseTo(Math.log(2), 12);
    expect(p.pbo).toBe(0);
    // SR0 for N trials with V[SR] = 1: (1-g) Z^-1(1-1/N) + g Z^-1(1-1/(N e)); N=100 -> 2.5306 (paper's Table/eq. 7 value)
    const trials = Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1) * Math.sqrt(99 / 100));
    const d = deflatedSharpeRatio(up, trials);
    expect(d.threshold).toBeCloseTo(2.5306, 3);
    expect(periodSharpe([0, 0, 0, 0])).toBe(0);
    expect(() => probabilityOfBacktestOverfitting([up], 4)).toThrow(/at least 2/);
    expect(() => probabilityOfBacktestOverfitting([up, down], 3)).toThrow(/even/);
    expect(() => probabilityOfBacktestOverfitting([up.slice(0, 10), down], 16)).toThrow(/too few/);
  });
});
