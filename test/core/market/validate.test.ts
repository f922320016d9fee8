import { describe, expect, it } from 'vitest';
import { loadCandles } from '../../../functions/adapters/local/candles.ts';
import { formatValidationReport, validateCandles } from '../../../functions/core/market/validate.ts';
import { syntheticMarket } from '../../../functions/core/market/synthetic.ts';

describe('validateCandles', () => {
  it('finds every kind of problem with exact counts and first rows', () => {
    const { series } = loadCandles('test/fixtures/klines-bad.csv', { timeframe: '5m' });
    const r = validateCandles(series);
    const by = Object.fromEntries(r.problems.map((p) => [p.kind, p]));
    expect(r.ok).toBe(false);
    // row 2 comes 600 s after row 1 (one bar missing); row 5 after row 4 (1735690200000 -> 1735691100000: 2 missing)
    expect(by.gap).toMatchObject({ count: 3, severity: 'error' });
    expect(by.gap!.first.map((f) => f.row)).toEqual([2, 5, 7]);
    expect(r.missingBars).toBe(1 + 2 + 0 + 0);
    expect(by.duplicate).toMatchObject({ count: 1, first: [{ row: 3 }] });
    expect(by.unsorted).toMatchObject({ count: 1, first: [{ row: 4 }] });
    expect(by.misaligned).toMatchObject({ count: 1, first: [{ row: 7 }] });
    expect(by.ohlc_inconsistent).toMatchObject({ count: 1, first: [{ row: 5, detail: 'o=101.3 h=101.2 l=101.1 c=101.4' }] });
    expect(by.bad_price).toMatchObject({ count: 2 });
    expect(by.bad_price!.first.map((f) => f.row)).toEqual([6, 8]);
    expect(by.bad_volume).toMatchObject({ count: 1, first: [{ row: 9 }] });
    expect(by.zero_volume).toMatchObject({ count: 1, severity: 'warning', first: [{ row: 2 }] });
    expect(r.warnings).toBe(1);
    const text = formatValidationReport(r, 'bad.csv');
    expect(text).toContain('INVALID');
    expect(text).toContain('line 5  2025-01-01T00:15:00.000Z  same open_time as row 2');
  });

  it('zero-volume bars are warnings only', () => {
    const { series } = loadCandles('test/fixtures/klines-good.csv');
    const r = validateCandles(series);
    expect(r.ok).toBe(true);
    expect(r.warnings).toBe(1);
    expect(formatValidationReport(r)).toContain('OK: no errors, 1 warning(s)');
  });

  it('the synthetic market is always valid (any seed)', () => {
    for (const seed of [1, 2, 3, 42, 1234]) expect(validateCandles(syntheticMarket({ seed, bars: 3000 })).ok).toBe(true);
  });
});
