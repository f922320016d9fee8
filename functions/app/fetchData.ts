import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { BinanceUsdm } from '../adapters/binance/ccxtBinanceUsdm.ts';
import { loadCandles } from '../adapters/local/candles.ts';
import { barOpenAt, timeframeMs } from '../core/market/timeframe.ts';
import { validateCandles, type ValidationReport } from '../core/market/validate.ts';

type Ccxt = InstanceType<typeof BinanceUsdm>;

export interface FetchDataInput {
  ccxt: Ccxt;
  /** Binance id, e.g. BTCUSDT */
  symbol: string;
  timeframe: string;
  from: number;
  /** Exclusive end (ms). Clamped to the last closed bar. */
  to: number;
  out: string;
  /** Funding history file (`funding_time,funding_rate`); omitted = no funding fetch. */
  fundingOut?: string | undefined;
  allowGaps?: boolean | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface FetchDataResult {
  bars: number;
  resumedFrom: number | null;
  pages: number;
  fundingRows: number;
  validation: ValidationReport;
  written: boolean;
}

const PAGE = 1000;
export const KLINE_HEADER = 'open_time,open,high,low,close,volume';
export const FUNDING_HEADER = 'funding_time,funding_rate';

/** Last open_time in a partial CSV (the resume point), or null. */
function lastOpenTime(path: string): number | null {
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const last = lines[lines.length - 1]!;
  const t = Number(last.split(',')[0]);
  return lines.length > 1 && Number.isFinite(t) ? t : null;
}

/**
 * `mft data fetch`: closed klines (and funding history) through ccxt into the shared csv.gz format.
 * Pages of 1000 (ccxt's enableRateLimit spaces them within Binance's weights); every page is
 * appended to `<out>.partial` at once, so an interrupted run resumes after the last stored bar.
 * At the end the candles are validated; only valid data (or gaps with allowGaps) becomes `<out>`.
 */
export async function fetchData(i: FetchDataInput): Promise<FetchDataResult> {
  const iv = timeframeMs(i.timeframe);
  await i.ccxt.loadMarkets();
  const market = i.ccxt.markets_by_id?.[i.symbol]?.find((m: { linear?: boolean }) => m.linear !== false) as { symbol: string } | undefined;
  if (!market) throw new Error(`${i.symbol}: not a USD-M symbol on this exchange`);
  const now = (await i.ccxt.fetchTime()) ?? Date.now();
  // the bar open at `now` is forming: stop before it
  const end = Math.min(i.to, barOpenAt(now, iv));
  const from = Math.ceil(i.from / iv) * iv;
  if (!(end > from)) throw new Error(`nothing to fetch: --from ${new Date(from).toISOString()} is not before ${new Date(end).toISOString()}`);
  const partial = `${i.out}.partial`;
  const resumed = lastOpenTime(partial);
  if (resumed === null) writeFileSync(partial, `${KLINE_HEADER}\n`);
  let cursor = resumed !== null ? resumed + iv : from;
  const total = Math.round((end - from) / iv);
  let pages = 0;
  while (cursor < end) {
    const rows = await i.ccxt.fetchOHLCV(market.symbol, i.timeframe, cursor, PAGE, { until: end - 1 });
    pages++;
    const keep = rows.filter((r) => r[0]! >= cursor && r[0]! < end && r[0]! + iv <= now);
    if (keep.length === 0) break;
    appendFileSync(partial, keep.map((r) => r.slice(0, 6).map(String).join(',')).join('\n') + '\n');
    cursor = keep[keep.length - 1]![0]! + iv;
    i.onProgress?.(Math.round((cursor - from) / iv), total);
  }
  const { series } = loadCandles(partial, { symbol: i.symbol, timeframe: i.timeframe });
  const validation = validateCandles(series);
  const gapsOnly = validation.problems.filter((p) => p.severity === 'error').every((p) => p.kind === 'gap');
  const written = validation.ok || (i.allowGaps === true && gapsOnly);
  let fundingRows = 0;
  if (written) {
    writeFileSync(`${i.out}.tmp`, gzipSync(readFileSync(partial)));
    renameSync(`${i.out}.tmp`, i.out);
    rmSync(partial);
    if (i.fundingOut) fundingRows = await fetchFunding(i.ccxt, market.symbol, from, end, i.fundingOut);
  }
  return { bars: series.length, resumedFrom: resumed, pages, fundingRows, validation, written };
}

async function fetchFunding(ccxt: Ccxt, symbol: string, from: number, end: number, out: string): Promise<number> {
  const rows: Array<[number, number]> = [];
  let cursor = from;
  for (;;) {
    const page = await ccxt.fetchFundingRateHistory(symbol, cursor, PAGE, { until: end - 1 });
    const keep = page.filter((r) => r.timestamp !== undefined && r.timestamp >= cursor && r.timestamp < end);
    for (const r of keep) rows.push([r.timestamp!, r.fundingRate!]);
    if (page.length < PAGE || keep.length === 0) break;
    cursor = keep[keep.length - 1]!.timestamp! + 1;
  }
  writeFileSync(`${out}.tmp`, gzipSync(`${FUNDING_HEADER}\n${rows.map(([t, r]) => `${t},${r.toFixed(8)}`).join('\n')}\n`));
  renameSync(`${out}.tmp`, out);
  return rows.length;
}
