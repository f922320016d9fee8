import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.ts';
import { InvariantError } from '../../../functions/core/errors.ts';
import { runBacktest } from '../../../functions/core/engine/runBacktest.ts';
import { syntheticMarket } from '../../../functions/core/market/synthetic.ts';
import { dayEndIndices } from '../../../functions/core/report/dayEndIndices.ts';
import { computeMetrics, dailyReturns } from '../../../functions/core/report/metrics.ts';
import { GATE_RULES, type GateRule } from '../../../functions/core/types.ts';

const D = Date.UTC(2025, 0, 2);
const H = 3_600_000;
const none = Object.fromEntries(GATE_RULES.map((g) => [g, 0])) as Record<GateRule, number>;

describe('dayEndIndices: the last bar of each UTC day', () => {
  it('5m bars across midnight, a day with one bar, none', () => {
    expect([...dayEndIndices([D - 600_000, D - 300_000, D, D + 300_000])]).toEqual([1, 3]);
    expect([...dayEndIndices([D - 300_000, D, D + 24 * H])]).toEqual([0, 1, 2]);
    expect([...dayEndIndices([])]).toEqual([]);
  });
});

describe('computeMetrics (spec section 5), by hand', () => {
  // two days of 12h bars; the last day's return is read from the final equity (after the end exit)
  const m = {
    capital: 10_000,
    trades: [],
    equity: [10_000, 10_100, 9_900, 10_200],
    times: [D, D + 12 * H, D + 24 * H, D + 36 * H],
    finalEquity: 10_250,
    exposureBars: 1,
    regimeBars: {},
    rejections: none,
  };

  it('daily returns 1% then 10250/10100 - 1; Sharpe = mean / sample sd * sqrt(365); drawdown 200 from the 10100 peak', () => {
    const r1 = 0.01;
    const r2 = 10_250 / 10_100 - 1; // 0.014851485...
    const mean = (r1 + r2) / 2;
    const sd = Math.abs(r2 - r1) / Math.SQRT2; // n = 2: sqrt(((r1-mean)^2 + (r2-mean)^2) / 1)
    const got = computeMetrics(m);
    expect(got.days).toBe(2);
    expect(got.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(365), 9);
    expect(got.sharpe).toBeCloseTo(69.2, 1);
    expect(got.maxDrawdownUsd).toBe(200);
    expect(got.maxDrawdownPct).toBeCloseTo((100 * 200) / 10_100, 12); // percent
    expect(got.exposurePct).toBeCloseTo(25, 12);
  });

  it('day ends given by the caller (a sweep computes them once per series) give the same metrics; ends of other bars are refused', () => {
    expect(computeMetrics({ ...m, dayEnds: dayEndIndices(m.times) })).toEqual(computeMetrics(m));
    const wrong = () => computeMetrics({ ...m, dayEnds: Int32Array.from([1, 2]) });
    expect(wrong).toThrow(InvariantError);
    expect(wrong).toThrow(/day ends of other bars \(the last must be bar 3\)/);
  });
});

describe('dailyReturns: the returns behind the Sharpe, also the overfitting check\'s input', () => {
  it('first day against capital, the last day ending at the final equity (end-of-data exit), not the last close', () => {
    const r = dailyReturns(1000, [1000, 1010, 1005, 1020], Int32Array.from([1, 3]), 1018);
    expect(r).toHaveLength(2);
    expect(r[0]).toBeCloseTo(0.01, 15);
    expect(r[1]).toBeCloseTo(1018 / 1010 - 1, 15); // 0.0079207..., not 1020 / 1010 - 1
    expect(() => dailyReturns(1000, [1000, 1010, 1005], Int32Array.from([1]), 1005)).toThrow(InvariantError);
  });
});

describe('runBacktest equityBuffer', () => {
  const { config } = parseConfig({});
  const s = syntheticMarket({ seed: 5, bars: 3 * 288 });

  it('writes the equity into the given array, every bar, so a reused buffer carries nothing from the run before', () => {
    const buf = new Float64Array(s.length).fill(Number.NaN);
    const plain = runBacktest({ cfg: config, series: [s] });
    const into = runBacktest({ cfg: config, series: [s], equityBuffer: buf });
    expect(into.equity).toBe(buf);
    expect([...buf]).toEqual([...plain.equity]);
    const other = parseConfig({ strategy: { params: { tp_atr: 2.5 } } }).config;
    const again = runBacktest({ cfg: other, series: [s], equityBuffer: buf });
    expect([...again.equity]).toEqual([...runBacktest({ cfg: other, series: [s] }).equity]);
    expect(again.trades).toEqual(runBacktest({ cfg: other, series: [s] }).trades);
  });

  it('a buffer of another length is refused, naming the field', () => {
    const run = () => runBacktest({ cfg: config, series: [s], equityBuffer: new Float64Array(s.length - 1) });
    expect(run).toThrow(InvariantError);
    expect(run).toThrow(/equity buffer of another length \(the series has 864 bars\)/);
  });
});
