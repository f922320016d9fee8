import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { BarSeries } from '../../core/market/bar.ts';
import { timeframeMs } from '../../core/market/timeframe.ts';
import { parseNumericCsv } from './parseCsvNumbers.ts';

export interface LoadedCandles {
  series: BarSeries;
  sha256: string;
  path: string;
}

export interface FundingSeries {
  time: Float64Array;
  rate: Float64Array;
}

const KLINE_HEADER = 'open_time,open,high,low,close,volume';
const FUNDING_HEADER = 'funding_time,funding_rate';

function readMaybeGz(path: string): Buffer {
  const raw = readFileSync(path);
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}

function checkHeader(buf: Buffer, expected: string, path: string): void {
  const end = buf.indexOf(10);
  const header = buf.subarray(0, end < 0 ? buf.length : end).toString('utf8').trim();
  if (header !== expected) throw new Error(`${path}:1: header must be '${expected}', found '${header}'`);
}

/** `BTCUSDT-5m-futures-...csv.gz` -> { symbol: 'BTCUSDT', timeframe: '5m' } */
export function describeFileName(path: string): { symbol?: string; timeframe?: string } {
  const m = /^([A-Z0-9]{2,20})-(\d+[mhd])-/.exec(basename(path));
  return m ? { symbol: m[1]!, timeframe: m[2]! } : {};
}

/**
 * Klines in the shared data format (header `open_time,open,high,low,close,volume`, ms UTC), csv or
 * csv.gz. Rows are kept as they are in the file (order, duplicates, NaN): `validateCandles` reports them.
 */
export function loadCandles(path: string, opts: { symbol?: string | undefined; timeframe?: string | undefined } = {}): LoadedCandles {
  const raw = readFileSync(path);
  const buf = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  checkHeader(buf, KLINE_HEADER, path);
  const [openTime, open, high, low, close, volume] = parseNumericCsv(buf, 6, path) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const named = describeFileName(path);
  const symbol = opts.symbol ?? named.symbol ?? 'BTCUSDT';
  const tf = opts.timeframe ?? named.timeframe;
  const intervalMs = tf ? timeframeMs(tf) : medianSpacing(openTime);
  return {
    series: { symbol, intervalMs, length: openTime.length, openTime, open, high, low, close, volume },
    sha256: createHash('sha256').update(raw).digest('hex'),
    path,
  };
}

/** The shared klines format back from a series (numbers in shortest round-trip form): what `loadCandles` reads. */
export function candlesCsv(s: BarSeries): string {
  const lines = [KLINE_HEADER];
  for (let i = 0; i < s.length; i++) lines.push(`${s.openTime[i]},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}`);
  return lines.join('\n') + '\n';
}

function medianSpacing(t: Float64Array): number {
  const d: number[] = [];
  for (let i = 1; i < Math.min(t.length, 1001); i++) d.push(t[i]! - t[i - 1]!);
  d.sort((a, b) => a - b);
  return d.length ? d[d.length >> 1]! : 300_000;
}

/** Funding history `funding_time,funding_rate` (8h rate as a decimal). */
export function loadFunding(path: string): FundingSeries {
  const buf = readMaybeGz(path);
  checkHeader(buf, FUNDING_HEADER, path);
  const [time, rate] = parseNumericCsv(buf, 2, path, true) as [Float64Array, Float64Array];
  return { time, rate };
}

/**
 * Rate of the funding event inside the bar [openTime, openTime + interval): Binance's raw
 * fundingTime can be a few ms late, so events are matched to the bar that contains them.
 */
export function fundingLookup(f: FundingSeries, intervalMs: number): (symbol: string, openTime: number) => number | undefined {
  const byBar = new Map<number, number>();
  for (let i = 0; i < f.time.length; i++) byBar.set(Math.floor(f.time[i]! / intervalMs) * intervalMs, f.rate[i]!);
  return (_symbol, openTime) => byBar.get(openTime);
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
