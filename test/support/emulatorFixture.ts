import type { AppConfig } from '../../config/schema.ts';
import { CcxtExchange } from '../../functions/adapters/binance/ccxtExchange.ts';
import { createBinanceClient } from '../../functions/adapters/binance/createBinanceClient.ts';
import type { BarSeries } from '../../functions/core/market/bar.ts';
import { createVenue } from '../../functions/emulator/createVenue.ts';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../functions/emulator/server.ts';
import type { VenueOptions } from '../../functions/emulator/venue.ts';
import type { Clock } from '../../functions/ports/clock.ts';

export const KEY = 'test-key';
export const SECRET = 'test-secret';

export interface EmulatorFixture {
  emu: Emulator;
  exchange: CcxtExchange;
  ccxt: CcxtExchange['ccxt'];
  close: () => Promise<void>;
}

/** The emulator over `series` on `clock`, and an unmodified ccxt binanceusdm + our adapter pointed at it. */
export async function emulatorFixture(
  series: readonly BarSeries[],
  cfg: AppConfig,
  clock: Clock,
  o: { balance?: number; server?: Partial<EmulatorOptions>; venue?: Pick<VenueOptions, 'childClientId' | 'duplicateIdScope'>; funding?: (s: string, t: number) => number | undefined } = {},
): Promise<EmulatorFixture> {
  const venue = createVenue({
    series,
    markets: cfg.markets,
    costs: cfg.costs,
    clock,
    accounts: [{ key: KEY, secret: SECRET, balance: o.balance ?? cfg.capital_usd }],
    ...(o.venue ? { options: o.venue } : {}),
    ...(o.funding ? { funding: o.funding } : {}),
  });
  const emu = await startEmulator({ venue, ...o.server });
  const ccxt = createBinanceClient({ mode: 'emulator', apiKey: KEY, secret: SECRET, emulator: emu, timeoutMs: 5_000 });
  const exchange = new CcxtExchange(ccxt, { clock, backoffMs: 10 });
  return { emu, exchange, ccxt, close: () => emu.close() };
}
