import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { loadCandles, loadFunding } from '../../functions/adapters/local/candles.ts';
import { VirtualClock } from '../../functions/adapters/local/clocks.ts';
import { fetchData } from '../../functions/app/fetchData.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { emulatorFixture, type EmulatorFixture } from '../support/emulatorFixture.ts';

const cfg = parseConfig({}).config;
const s = syntheticMarket({ seed: 9, bars: 6000 });
let f: EmulatorFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('data fetch through ccxt (against the emulator)', () => {
  it('pages of 1000, interrupted by a 503 on page 3, resumed from the partial file; the result is the exchange data exactly', async () => {
    f = await emulatorFixture([s], cfg, new VirtualClock(s.openTime[5000]! + 1_000), { server: { faults: ['status=503@klines#3'] } });
    const dir = mkdtempSync(join(tmpdir(), 'fetch-'));
    const out = join(dir, 'BTCUSDT-5m.csv.gz');
    const args = { ccxt: f.ccxt, symbol: 'BTCUSDT', timeframe: '5m', from: s.openTime[100]!, to: s.openTime[3100]!, out, fundingOut: join(dir, 'funding.csv.gz') };
    await expect(fetchData(args)).rejects.toThrow(/503|Internal error/);
    expect(existsSync(`${out}.partial`)).toBe(true);
    expect(readFileSync(`${out}.partial`, 'utf8').trimEnd().split('\n')).toHaveLength(1 + 2000);
    const progress: number[] = [];
    const r = await fetchData({ ...args, onProgress: (d) => progress.push(d) });
    expect(r).toMatchObject({ bars: 3000, resumedFrom: s.openTime[2099], pages: 1, written: true });
    expect(progress).toEqual([3000]);
    expect(existsSync(`${out}.partial`)).toBe(false);
    const got = loadCandles(out).series;
    expect(Array.from(got.openTime)).toEqual(Array.from(s.openTime.subarray(100, 3100)));
    expect(Array.from(got.close)).toEqual(Array.from(s.close.subarray(100, 3100)));
    expect(Array.from(got.volume)).toEqual(Array.from(s.volume.subarray(100, 3100)));
    expect(gunzipSync(readFileSync(out)).toString().split('\n')[0]).toBe('open_time,open,high,low,close,volume');
    // funding: every 8 h inside [from, to)
    const fund = loadFunding(join(dir, 'funding.csv.gz'));
    expect(r.fundingRows).toBe(fund.time.length);
    expect(fund.time.length).toBeGreaterThanOrEqual(31);
    for (const t of fund.time) expect(t % (8 * 3_600_000)).toBe(0);
  });

  it('stops before the forming bar, and refuses gaps unless allowed', async () => {
    f = await emulatorFixture([s], cfg, new VirtualClock(s.openTime[1500]! + 1_000), { server: { faults: [`klinemissing=${s.openTime[1200]}`] } });
    const dir = mkdtempSync(join(tmpdir(), 'fetch-'));
    const out = join(dir, 'k.csv.gz');
    const r = await fetchData({ ccxt: f.ccxt, symbol: 'BTCUSDT', timeframe: '5m', from: s.openTime[1000]!, to: s.openTime[1600]!, out });
    expect(r.written).toBe(false);
    expect(r.validation.missingBars).toBe(1);
    expect(existsSync(`${out}.partial`)).toBe(true);
    const ok = await fetchData({ ccxt: f.ccxt, symbol: 'BTCUSDT', timeframe: '5m', from: s.openTime[1000]!, to: s.openTime[1600]!, out, allowGaps: true });
    expect(ok.written).toBe(true);
    const got = loadCandles(out).series;
    expect(got.openTime[got.length - 1]).toBe(s.openTime[1499]); // bar 1500 is forming
    expect(got.length).toBe(499);
  });
});
