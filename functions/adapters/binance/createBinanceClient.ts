import { BinanceUsdm } from './ccxtBinanceUsdm.ts';

type Ccxt = InstanceType<typeof BinanceUsdm>;

export interface BinanceClientOptions {
  /** local -> our emulator; paper -> Binance demo trading; live -> mainnet (DESIGN section 5). */
  mode: 'emulator' | 'demo' | 'live';
  apiKey: string;
  secret: string;
  /** Emulator base URLs, as `mft emulator` prints them. */
  emulator?: { rest: string; ws: string };
  timeoutMs?: number;
  /** ccxt's own throttle (50 ms per weight unit). Off against the emulator: a replay runs a month in seconds. */
  enableRateLimit?: boolean;
}

/** Every `urls.api` key the bot's ccxt calls use (spec binance-usdm-api section 1.1), pointed at `rest`. */
export function emulatorUrls(rest: string, ws: string): Record<string, unknown> {
  return {
    fapiPublic: `${rest}/fapi/v1`,
    fapiPublicV2: `${rest}/fapi/v2`,
    fapiPublicV3: `${rest}/fapi/v3`,
    fapiPrivate: `${rest}/fapi/v1`,
    fapiPrivateV2: `${rest}/fapi/v2`,
    fapiPrivateV3: `${rest}/fapi/v3`,
    fapiData: `${rest}/futures/data`,
    sapi: `${rest}/sapi/v1`,
    public: `${rest}/api/v3`,
    private: `${rest}/api/v3`,
    ws: { future: `${ws}/ws` },
  };
}

/**
 * The ccxt `binanceusdm` instance of a stage, unmodified: only options and URLs differ.
 * - fetchCurrencies off: loadMarkets must not call sapi (absent on demo and the emulator: section 1.4);
 * - recvWindow 10000 (ccxt's default, stated so it is visible); no automatic time adjustment: the
 *   adapter resynchronises on -1021 only (section 2);
 * - against the emulator, ccxt's host-dependent error table for fapi is merged in, so errors get the
 *   same classes as on Binance's hosts (section 10.1, option b).
 */
export function createBinanceClient(o: BinanceClientOptions): Ccxt {
  const ex = new BinanceUsdm({
    apiKey: o.apiKey,
    secret: o.secret,
    enableRateLimit: o.enableRateLimit ?? o.mode !== 'emulator',
    timeout: o.timeoutMs ?? 10_000,
    options: {
      fetchCurrencies: false,
      recvWindow: 10_000,
      adjustForTimeDifference: false,
      fetchOpenOrders: { warnWithoutSymbol: false },
    },
  });
  if (o.mode === 'demo') ex.enableDemoTrading(true);
  if (o.mode === 'emulator') {
    if (!o.emulator) throw new Error('createBinanceClient: mode emulator needs the emulator URLs');
    ex.urls['api'] = emulatorUrls(o.emulator.rest, o.emulator.ws);
    const exc = ex.exceptions as { exact: Record<string, unknown>; broad: Record<string, unknown>; linear?: { exact?: Record<string, unknown>; broad?: Record<string, unknown> } };
    Object.assign(exc.exact, exc.linear?.exact ?? {});
    Object.assign(exc.broad, exc.linear?.broad ?? {});
  }
  return ex;
}
