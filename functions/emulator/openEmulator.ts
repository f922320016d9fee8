import { parseConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { fundingLookup, loadCandles, loadFunding } from '../adapters/local/candles.ts';
import { ScaledClock, VirtualClock } from '../adapters/local/clocks.ts';
import type { BarSeries } from '../core/market/bar.ts';
import { isoUtc } from '../core/market/timeframe.ts';
import { defaultMarket } from '../core/market/synthetic.ts';
import { formatValidationReport, validateCandles } from '../core/market/validate.ts';
import { createVenue } from './createVenue.ts';
import { parseFaults } from './faults.ts';
import { startEmulator, type Emulator } from './server.ts';

export interface EmulatorAccount {
  key: string;
  secret: string;
  balance: number;
}

export interface OpenEmulatorOptions {
  /** Klines csv(.gz); default the embedded synthetic market. */
  data?: string | undefined;
  symbol?: string | undefined;
  funding?: string | undefined;
  /** Emulated start time (ms); default 1000 bars into the data, so history exists. */
  start?: number | undefined;
  /** Emulated seconds per wall second (default 1); ignored with `step`. */
  speed?: number | undefined;
  /** Time stands still until POST /_emu/advance?ms=N. */
  step?: boolean | undefined;
  port?: number | undefined;
  host?: string | undefined;
  faults?: string | undefined;
  seed?: number | undefined;
  accounts?: readonly EmulatorAccount[] | undefined;
  /** Costs, funding rate and market filters (default: the local stage's defaults). */
  config?: AppConfig | undefined;
}

export const DEFAULT_ACCOUNT: EmulatorAccount = { key: 'mft-emulator-key', secret: 'mft-emulator-secret', balance: 10_000 };

export interface OpenedEmulator {
  emu: Emulator;
  series: BarSeries;
  accounts: readonly EmulatorAccount[];
  clock: { mode: 'step' | 'speed'; speed: number; start: number };
}

/** `key:secret:usdt_balance` */
export function parseAccount(spec: string): EmulatorAccount {
  const m = /^([^:\s]+):([^:\s]+):(\d+(?:\.\d+)?)$/.exec(spec);
  if (!m) throw new Error(`--account '${spec}': expected key:secret:usdt_balance (e.g. alice:s3cret:500)`);
  return { key: m[1]!, secret: m[2]!, balance: Number(m[3]) };
}

/** The `mft emulator` process: data, clock, accounts, faults -> a running Binance USD-M emulator. */
export async function openEmulator(o: OpenEmulatorOptions): Promise<OpenedEmulator> {
  const cfg = o.config ?? parseConfig({}).config;
  const series = o.data ? loadCandles(o.data, { symbol: o.symbol }).series : defaultMarket();
  const v = validateCandles(series);
  if (!v.ok) throw new Error(`refusing to serve invalid candles:\n${formatValidationReport(v, o.data ?? 'embedded market')}`);
  if (series.length < 2) throw new Error('the emulator needs at least 2 bars');
  const first = series.openTime[0]!;
  const last = series.openTime[series.length - 1]!;
  const start = o.start ?? series.openTime[Math.min(1000, series.length - 1)]!;
  if (start < first || start > last + series.intervalMs) throw new Error(`--start ${isoUtc(start)} is outside the data (${isoUtc(first)} .. ${isoUtc(last)})`);
  const speed = o.speed ?? 1;
  const clock = o.step ? new VirtualClock(start) : new ScaledClock(start, speed);
  const funding = o.funding ? fundingLookup(loadFunding(o.funding), series.intervalMs) : undefined;
  const accounts = o.accounts?.length ? o.accounts : [DEFAULT_ACCOUNT];
  if (!cfg.markets[series.symbol]) throw new Error(`no exchange filters for ${series.symbol}: add markets.${series.symbol} (tick, step, min_notional) to a config and pass --config`);
  const venue = createVenue({ series: [series], markets: cfg.markets, costs: cfg.costs, clock, accounts, ...(funding ? { funding } : {}) });
  const emu = await startEmulator({
    venue,
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    faults: o.faults ? parseFaults(o.faults) : [],
    seed: o.seed ?? 1,
    // speed mode: bars open and close on their own (funding, SL/TP, kline streams)
    ...(o.step ? {} : { tickMs: Math.max(10, Math.min(1000, Math.floor(series.intervalMs / speed / 10))) }),
  });
  return { emu, series, accounts, clock: { mode: o.step ? 'step' : 'speed', speed: o.step ? 0 : speed, start } };
}
