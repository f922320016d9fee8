import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fundingLookup, loadCandles, loadFunding } from '../../../functions/adapters/local/candles.ts';
import { validateCandles } from '../../../functions/core/market/validate.ts';

const BTC = '../shared/data/klines/BTCUSDT-5m-futures-2024-12-31_2026-02-19.csv.gz';
const BTC_FUNDING = '../shared/data/funding/BTCUSDT-funding-futures-2024-12-31_2026-02-19.csv.gz';

describe('candle loader', () => {
  it('parses plain csv exactly like Number()', () => {
    const { series } = loadCandles('test/fixtures/klines-good.csv', { symbol: 'BTCUSDT', timeframe: '5m' });
    expect(series.length).toBe(3);
    expect([...series.openTime]).toEqual([1735689600000, 1735689900000, 1735690200000]);
    expect([...series.open]).toEqual([92835, 92850.1, 92710.3]);
    expect([...series.high]).toEqual([92900.5, 92860, 92750]);
    expect(series.volume[2]).toBe(0.0001);
    expect(series.intervalMs).toBe(300_000);
  });

  it('reads csv.gz, infers symbol and timeframe from the file name, hashes the bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'candles-'));
    const p = join(dir, 'ETHUSDT-1m-futures-x.csv.gz');
    writeFileSync(p, gzipSync(readFileSync('test/fixtures/klines-good.csv')));
    const c = loadCandles(p);
    expect(c.series.symbol).toBe('ETHUSDT');
    expect(c.series.intervalMs).toBe(60_000);
    expect(c.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect([...c.series.close]).toEqual([92850.1, 92710.3, 92700]);
  });

  it('names file and header on a wrong header; malformed numbers reach the validator as NaN', () => {
    const dir = mkdtempSync(join(tmpdir(), 'candles-'));
    const p = join(dir, 'x.csv');
    writeFileSync(p, 'time,o,h,l,c,v\n1,2,3,4,5,6\n');
    expect(() => loadCandles(p)).toThrow(/x.csv:1: header must be 'open_time,open,high,low,close,volume', found 'time,o,h,l,c,v'/);
    writeFileSync(p, 'open_time,open,high,low,close,volume\n1735689600000,1e5,abc,1,1,1\n');
    const { series } = loadCandles(p, { timeframe: '5m' });
    expect(series.open[0]).toBe(100000);
    expect(Number.isNaN(series.high[0])).toBe(true);
    expect(validateCandles(series).problems.map((x) => x.kind)).toContain('bad_price');
  });

  it('a row with too few columns names line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'candles-'));
    const p = join(dir, 'short.csv');
    writeFileSync(p, 'open_time,open,high,low,close,volume\n1735689600000,1,2,0.5,1.5,3\n1735689900000,1,2\n');
    expect(() => loadCandles(p)).toThrow(/short.csv:3: column 3: expected 6 columns, found 3/);
  });

  it.skipIf(!existsSync(BTC))('loads the real BTCUSDT 5m file: 119,724 bars, README span, 5 zero-volume bars', () => {
    const { series } = loadCandles(BTC);
    expect(series.length).toBe(119_724);
    expect(series.openTime[0]).toBe(Date.UTC(2024, 11, 31, 0, 0));
    expect(series.openTime[series.length - 1]).toBe(Date.UTC(2026, 1, 19, 16, 55));
    const r = validateCandles(series);
    expect(r.ok).toBe(true);
    expect(r.warnings).toBe(5);
  });

  it.skipIf(!existsSync(BTC_FUNDING))('funding: 1,247 events; lookup by the bar that contains the event', () => {
    const f = loadFunding(BTC_FUNDING);
    expect(f.time.length).toBe(1247);
    const look = fundingLookup(f, 300_000);
    expect(look('BTCUSDT', f.time[0]!)).toBe(f.rate[0]);
    expect(look('BTCUSDT', f.time[0]! + 300_000)).toBeUndefined();
    // a raw Binance time a few ms late still maps to its bar
    const late = fundingLookup({ time: new Float64Array([Date.UTC(2025, 0, 1, 8, 0, 0, 7)]), rate: new Float64Array([0.0002]) }, 300_000);
    expect(late('BTCUSDT', Date.UTC(2025, 0, 1, 8))).toBe(0.0002);
  });
});
