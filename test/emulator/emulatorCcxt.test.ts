import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { ccxtErrors as E } from '../../functions/adapters/binance/ccxtBinanceUsdm.ts';
import { ExchangeUnavailableError } from '../../functions/adapters/binance/ccxtExchange.ts';
import { emulatorUrls } from '../../functions/adapters/binance/createBinanceClient.ts';
import { systemClock, VirtualClock } from '../../functions/adapters/local/clocks.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { roundToTick } from '../../functions/core/money/rounding.ts';
import type { Clock } from '../../functions/ports/clock.ts';
import { emulatorFixture, KEY, SECRET, type EmulatorFixture } from '../support/emulatorFixture.ts';

const cfg = parseConfig({}).config;
const s = syntheticMarket({ seed: 11, bars: 3000 });
const IV = 300_000;
const K = 1000;
/** Polls `cond` every 10 ms; fails after `ms` instead of letting a WebSocket wait hang the test. */
async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`condition not met within ${ms} ms: ${cond.toString()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const id = (bar: number, code: string) => `mft-local-BTCUSDT-${bar.toString(36)}-${code}`;

let open: EmulatorFixture[] = [];
afterEach(async () => {
  for (const f of open) await f.close();
  open = [];
});

async function fixture(clock: Clock = new VirtualClock(s.openTime[K]! + 2_000), o: Parameters<typeof emulatorFixture>[3] = {}): Promise<EmulatorFixture> {
  const f = await emulatorFixture([s], cfg, clock, o);
  open.push(f);
  return f;
}

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('emulator driven by unmodified ccxt 4.5.84 binanceusdm', () => {
  it('loadMarkets calls exchangeInfo only; public endpoints parse into the unified shapes', async () => {
    const f = await fixture();
    const m = await f.ccxt.loadMarkets();
    expect(f.emu.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /fapi/v1/exchangeInfo']);
    expect(m['BTC/USDT:USDT']).toMatchObject({ id: 'BTCUSDT', linear: true, swap: true, settle: 'USDT', active: true, precision: { price: 0.1, amount: 0.001 }, limits: { cost: { min: 100 } } });
    const t = await f.ccxt.fetchTicker('BTC/USDT:USDT');
    expect(t.last).toBe(s.open[K]);
    const ob = await f.ccxt.fetchOrderBook('BTC/USDT:USDT', 5);
    expect(ob.asks[0]![0]).toBe(s.open[K]);
    expect(ob.bids[0]![0]!).toBeLessThan(s.open[K]!);
    const ba = await f.ccxt.fetchBidsAsks(['BTC/USDT:USDT']);
    expect(ba['BTC/USDT:USDT']).toMatchObject({ ask: s.open[K], bid: roundToTick(s.open[K]! - 0.1, 0.1) });
    const lp = await f.ccxt.fetchLastPrices(['BTC/USDT:USDT']);
    expect(lp['BTC/USDT:USDT']).toMatchObject({ price: s.open[K] });
    const fr = await f.ccxt.fetchFundingRate('BTC/USDT:USDT');
    expect(fr.fundingRate).toBe(cfg.costs.funding_rate_8h);
    const hist = await f.ccxt.fetchFundingRateHistory('BTC/USDT:USDT', s.openTime[0]!, 5);
    expect(hist).toHaveLength(Math.min(5, hist.length));
    for (const h of hist) expect(h.timestamp! % (8 * 3_600_000)).toBe(0);
    const rows = await f.ccxt.fetchOHLCV('BTC/USDT:USDT', '5m', undefined, 3);
    // Binance's last row is the forming candle: only its open is known
    expect(rows.map((r) => r[0])).toEqual([s.openTime[K - 2], s.openTime[K - 1], s.openTime[K]]);
    expect(rows[2]!.slice(1, 5)).toEqual([s.open[K], s.open[K], s.open[K], s.open[K]]);
    expect(rows[1]!.slice(1, 6)).toEqual([s.open[K - 1], s.high[K - 1], s.low[K - 1], s.close[K - 1], s.volume[K - 1]]);
  });

  it('account settings: position mode, margin type, leverage, with Binance codes on no-ops', async () => {
    const f = await fixture();
    await f.ccxt.loadMarkets();
    expect(await f.ccxt.fetchPositionMode('BTC/USDT:USDT')).toMatchObject({ hedged: false });
    expect(await rejects(f.ccxt.setPositionMode(false))).toBeInstanceOf(E.OperationRejected); // -4059
    expect(await f.ccxt.setLeverage(5, 'BTC/USDT:USDT')).toMatchObject({ leverage: 5 });
    expect((await rejects(f.ccxt.fapiPrivatePostLeverage({ symbol: 'BTCUSDT', leverage: 200 }))).message).toContain('-4028');
    await f.ccxt.setMarginMode('isolated', 'BTC/USDT:USDT');
    expect(await rejects(f.ccxt.setMarginMode('isolated', 'BTC/USDT:USDT'))).toBeInstanceOf(E.MarginModeAlreadySet); // -4046
    await f.ccxt.setMarginMode('cross', 'BTC/USDT:USDT');
    expect(await f.ccxt.fapiPrivateGetMultiAssetsMargin()).toEqual({ multiAssetsMargin: false });
  });

  it('request rules: HMAC signature, API key, timestamp/recvWindow', async () => {
    const f = await fixture();
    const bad = new ccxt.binanceusdm({ apiKey: KEY, secret: 'wrong', options: { fetchCurrencies: false } });
    bad.urls['api'] = emulatorUrls(f.emu.rest, f.emu.ws);
    Object.assign((bad.exceptions as { exact: object }).exact, (bad.exceptions as { linear: { exact: object } }).linear.exact);
    const e1 = await rejects(bad.fetchBalance());
    expect(e1).toBeInstanceOf(E.AuthenticationError);
    expect(e1.message).toContain('-1022');
    const nokey = new ccxt.binanceusdm({ apiKey: 'nobody', secret: 'x', options: { fetchCurrencies: false } });
    nokey.urls['api'] = emulatorUrls(f.emu.rest, f.emu.ws);
    expect((await rejects(nokey.fetchBalance())).message).toContain('-2015');
    // clock skew: ccxt's timestamp is outside recvWindow -> -1021 InvalidNonce
    f.emu.faults.add('skew=-20000');
    expect(await rejects(f.ccxt.fetchBalance())).toBeInstanceOf(E.InvalidNonce);
  });

  it('-1021 with a skewed server clock: the adapter resynchronises the time offset and the call succeeds', async () => {
    const f = await fixture(systemClock);
    f.emu.faults.add('skew=30000');
    const b = await f.exchange.balance();
    expect(b.total).toBe(cfg.capital_usd);
    expect(f.emu.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /fapi/v1/exchangeInfo 200', 'GET /fapi/v3/account 400', 'GET /fapi/v1/time 200', 'GET /fapi/v3/account 200']);
  });

  it('Binance error codes and the ccxt classes they map to (fapi error table)', async () => {
    const f = await fixture(undefined, { venue: { duplicateIdScope: 'all' } });
    const P = (p: Record<string, unknown>) => f.ccxt.fapiPrivatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', ...p });
    const cases: Array<[Promise<unknown>, number, Function]> = [
      [P({ type: 'STOP_MARKET', stopPrice: '1' }), -4120, E.ExchangeError],
      [P({ type: 'FOO' }), -1116, E.BadRequest],
      [P({ quantity: '0.0101' }), -1111, E.BadRequest],
      [P({ quantity: undefined }), -1102, E.BadRequest],
      [P({ quantity: '0' }), -4003, E.BadRequest],
      [P({ positionSide: 'LONG' }), -4061, E.OperationRejected],
      [P({ quantity: '0.001' }), -4164, E.InvalidOrder],
      [P({ quantity: '100' }), -2019, E.InsufficientFunds],
      [P({ side: 'SELL', reduceOnly: 'true' }), -2022, E.InvalidOrder],
      [f.ccxt.fapiPrivatePostAlgoOrder({ algoType: 'CONDITIONAL', symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', closePosition: 'true' }), -1102, E.BadRequest],
      [f.ccxt.fapiPrivateGetOrder({ symbol: 'BTCUSDT', origClientOrderId: 'nope' }), -2013, E.OrderNotFound],
      [f.ccxt.fapiPrivateDeleteOrder({ symbol: 'BTCUSDT', origClientOrderId: 'nope' }), -2011, E.OrderNotFound],
    ];
    for (const [p, code, cls] of cases) {
      const e = await rejects(p);
      expect(e.message, String(code)).toContain(`"code":${code}`);
      expect(e, `${code} -> ${e.constructor.name}`).toBeInstanceOf(cls);
    }
    await P({ newClientOrderId: 'dup-1' });
    const dup = await rejects(P({ newClientOrderId: 'dup-1' }));
    expect(dup.message).toContain('-4116');
    expect(dup).toBeInstanceOf(E.InvalidOrder);
    // a stop that would fire at once: -2021 OrderImmediatelyFillable
    const e = await rejects(f.ccxt.createOrder('BTC/USDT:USDT', 'STOP_MARKET', 'sell', undefined as unknown as number, undefined, { triggerPrice: roundToTick(s.open[K]! * 1.1, 0.1), closePosition: true }));
    expect(e).toBeInstanceOf(E.OrderImmediatelyFillable);
  });

  it('the algo-order flow: entry, TP and SL resting in the Algo Service, one triggers, the other expires, flat', async () => {
    const clock = new VirtualClock(s.openTime[K]! + 2_000);
    const f = await fixture(clock);
    const entry = await f.ccxt.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: id(K, 'en') });
    expect(entry).toMatchObject({ status: 'closed', filled: 0.01, clientOrderId: id(K, 'en') });
    const px = entry.average!;
    const sl = await f.ccxt.createOrder('BTC/USDT:USDT', 'STOP_MARKET', 'sell', undefined as unknown as number, undefined, { triggerPrice: roundToTick(px * 0.995, 0.1), closePosition: true, clientOrderId: id(K, 'sl') });
    const tp = await f.ccxt.createOrder('BTC/USDT:USDT', 'TAKE_PROFIT_MARKET', 'sell', undefined as unknown as number, undefined, { triggerPrice: roundToTick(px * 1.005, 0.1), closePosition: true, clientOrderId: id(K, 'tp') });
    expect([sl.status, tp.status]).toEqual(['open', 'open']);
    expect(f.emu.requests.filter((r) => r.path === '/fapi/v1/algoOrder').map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(await f.ccxt.fetchOpenOrders('BTC/USDT:USDT', undefined, undefined, { trigger: true })).toHaveLength(2);
    for (let i = 0; i < 500 && (await f.exchange.positions(['BTCUSDT'])).length > 0; i++) clock.advance(IV);
    expect(await f.exchange.positions(['BTCUSDT'])).toEqual([]);
    const algos = await f.ccxt.fetchOrders('BTC/USDT:USDT', s.openTime[K], undefined, { trigger: true });
    const st = Object.fromEntries(algos.map((o) => [o.clientOrderId, (o.info as { algoStatus: string }).algoStatus]));
    expect(Object.values(st).sort()).toEqual(['EXPIRED', 'FINISHED']);
    const trades = await f.ccxt.fetchMyTrades('BTC/USDT:USDT', s.openTime[K]);
    expect(trades.map((t) => [t.side, t.amount])).toEqual([
      ['buy', 0.01],
      ['sell', 0.01],
    ]);
    const fired = algos.find((o) => (o.info as { algoStatus: string }).algoStatus === 'FINISHED')!;
    expect(String(trades[1]!.order)).toBe((fired.info as { actualOrderId: string }).actualOrderId);
  });

  it('faults: timeout after accept -> unknown outcome, resolved by lookup, never a duplicate order', async () => {
    const f = await fixture();
    f.emu.faults.add('timeout@POST:/fapi/v1/order#1');
    const r = await f.exchange.placeMarket('BTCUSDT', 'buy', 0.01, id(K, 'en'), false);
    expect(r.kind).toBe('unknown');
    const found = await f.exchange.findOrder('BTCUSDT', id(K, 'en'));
    expect(found).toMatchObject({ status: 'filled', filledQty: 0.01 });
    expect(f.emu.venue.accounts.get(KEY)!.orders).toHaveLength(1);
    expect(await f.exchange.positions(['BTCUSDT'])).toHaveLength(1);
  });

  it('faults: 5xx and 429 on reads are retried (Retry-After), 5xx on an order is an unknown outcome, 418 stops', async () => {
    const f = await fixture();
    f.emu.faults.add('status=503@/fapi/v3/account#1', 'ratelimit@/fapi/v3/positionRisk#1');
    expect((await f.exchange.balance()).total).toBe(cfg.capital_usd);
    expect(await f.exchange.positions(['BTCUSDT'])).toEqual([]);
    const seen = f.emu.requests.map((r) => `${r.path} ${r.status}`);
    expect(seen).toContain('/fapi/v3/account 503');
    expect(seen).toContain('/fapi/v3/positionRisk 429');
    f.emu.faults.add('status=502@POST:/fapi/v1/order#1');
    expect((await f.exchange.placeMarket('BTCUSDT', 'buy', 0.01, id(K, 'en'), false)).kind).toBe('unknown');
    expect(await f.exchange.findOrder('BTCUSDT', id(K, 'en'))).toBeNull(); // the 502 did not execute: safe to send
    expect((await f.exchange.placeMarket('BTCUSDT', 'buy', 0.01, id(K, 'en'), false)).kind).toBe('ok');
    f.emu.faults.add('ban@/fapi/v3/account');
    const e = await rejects(f.exchange.balance());
    expect(e).toBeInstanceOf(ExchangeUnavailableError);
    expect((e as ExchangeUnavailableError).classified.kind).toBe('banned');
  });

  it('faults: added latency, reject by code', async () => {
    const f = await fixture();
    f.emu.faults.add('latency=150@/fapi/v1/time', 'reject=-2019@POST:/fapi/v1/order#1');
    const t0 = performance.now();
    await f.exchange.serverTime();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
    expect(await f.exchange.placeMarket('BTCUSDT', 'buy', 0.01, id(K, 'en'), false)).toMatchObject({ kind: 'rejected', code: -2019 });
    expect(f.emu.venue.accounts.get(KEY)!.orders).toHaveLength(0);
  });

  it('faults: late and missing klines', async () => {
    const clock = new VirtualClock(s.openTime[K]! + 2_000);
    const f = await fixture(clock);
    f.emu.faults.add('klinedelay=15000');
    // 2 s after the close, with a 15 s kline delay, bar K-1 is still the forming row
    expect((await f.exchange.closedBars('BTCUSDT', '5m', s.openTime[K - 2]!, 10)).map((b) => b.openTime)).toEqual([s.openTime[K - 2]]);
    clock.set(s.openTime[K]! + 15_000);
    expect((await f.exchange.closedBars('BTCUSDT', '5m', s.openTime[K - 2]!, 10)).map((b) => b.openTime)).toEqual([s.openTime[K - 2], s.openTime[K - 1]]);
    f.emu.faults.add(`klinemissing=${s.openTime[K - 5]}`);
    const got = await f.exchange.closedBars('BTCUSDT', '5m', s.openTime[K - 6]!, 10);
    expect(got.map((b) => b.openTime)).toEqual([s.openTime[K - 6], s.openTime[K - 4], s.openTime[K - 3], s.openTime[K - 2], s.openTime[K - 1]]);
  });

  it('end of data: the final bar reads as closed, behind a forming row opening at its close', async () => {
    const n = s.length;
    const end = s.openTime[n - 1]! + IV;
    const clock = new VirtualClock(end - 1);
    const f = await fixture(clock);
    expect((await f.exchange.closedBars('BTCUSDT', '5m', undefined, 2)).map((b) => b.openTime)).toEqual([s.openTime[n - 3], s.openTime[n - 2]]);
    clock.set(end + 1_000);
    const rows = await f.ccxt.fetchOHLCV('BTC/USDT:USDT', '5m', undefined, 3);
    expect(rows.map((r) => r.slice(0, 6))).toEqual([
      [s.openTime[n - 2], s.open[n - 2], s.high[n - 2], s.low[n - 2], s.close[n - 2], s.volume[n - 2]],
      [s.openTime[n - 1], s.open[n - 1], s.high[n - 1], s.low[n - 1], s.close[n - 1], s.volume[n - 1]],
      [end, s.close[n - 1], s.close[n - 1], s.close[n - 1], s.close[n - 1], 0],
    ]);
    expect((await f.exchange.closedBars('BTCUSDT', '5m', undefined, 2)).map((b) => b.openTime)).toEqual([s.openTime[n - 2], s.openTime[n - 1]]);
    expect((await f.exchange.closedBars('BTCUSDT', '5m', s.openTime[n - 3]!, 10)).map((b) => b.openTime)).toEqual([s.openTime[n - 3], s.openTime[n - 2], s.openTime[n - 1]]);
  });

  it('weights: X-MBX-USED-WEIGHT-1M per route; over the limit 429 with Retry-After, then a 418 ban', async () => {
    const f = await fixture(undefined, { server: { weightLimit: 12, banAfter429: 2 } });
    const raw = async (path: string) => fetch(`${f.emu.rest}${path}`);
    const w: string[] = [];
    for (const p of ['/fapi/v1/time', '/fapi/v1/klines?symbol=BTCUSDT&interval=5m&limit=1000', '/fapi/v1/exchangeInfo']) w.push((await raw(p)).headers.get('x-mbx-used-weight-1m')!);
    expect(w).toEqual(['1', '6', '7']);
    await raw('/fapi/v1/klines?symbol=BTCUSDT&interval=5m&limit=100');
    const r429 = await raw('/fapi/v1/klines?symbol=BTCUSDT&interval=5m&limit=1000');
    expect(r429.status).toBe(429);
    expect(Number(r429.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await r429.json()).toMatchObject({ code: -1003 });
    await raw('/fapi/v1/klines?symbol=BTCUSDT&interval=5m&limit=1000');
    const r418 = await raw('/fapi/v1/time');
    expect(r418.status).toBe(418);
    expect(((await r418.json()) as { msg: string }).msg).toMatch(/banned until/);
    // ccxt maps both to DDoSProtection
    expect(await rejects(f.ccxt.fetchTime())).toBeInstanceOf(E.DDoSProtection);
  });

  it('WebSocket: kline stream and user data stream (ORDER_TRADE_UPDATE, ALGO_UPDATE) through ccxt.pro; a dropped socket reconnects', async () => {
    const clock = new VirtualClock(s.openTime[K]! + 2_000);
    const f = await fixture(clock);
    const pro = new ccxt.pro.binanceusdm({ apiKey: KEY, secret: SECRET, options: { fetchCurrencies: false } });
    pro.urls['api'] = emulatorUrls(f.emu.rest, f.emu.ws);
    try {
      await pro.loadHttpProxyAgent(); // ccxt needs it for a plain ws:// host (Binance's are wss://)
      await pro.loadMarkets();
      const klines = pro.watchOHLCV('BTC/USDT:USDT', '5m');
      await until(() => f.emu.subscriptions().market.includes('btcusdt@kline_5m'));
      clock.advance(IV);
      f.emu.venue.sync();
      const k = await klines;
      // the close of bar K (final update, x=true) then the first update of K+1 (only its open known)
      expect(k.find((r) => r[0] === s.openTime[K])!.slice(0, 5)).toEqual([s.openTime[K], s.open[K], s.high[K], s.low[K], s.close[K]]);
      expect(k[k.length - 1]!.slice(0, 5)).toEqual([s.openTime[K + 1], s.open[K + 1], s.open[K + 1], s.open[K + 1], s.open[K + 1]]);
      const orders = pro.watchOrders('BTC/USDT:USDT');
      await until(() => f.emu.subscriptions().user === 1);
      await f.exchange.placeMarket('BTCUSDT', 'buy', 0.01, id(K, 'en'), false);
      const got = await orders;
      expect(got[got.length - 1]).toMatchObject({ clientOrderId: id(K, 'en'), side: 'buy' });
      const algo = pro.watchOrders('BTC/USDT:USDT');
      await f.exchange.placeProtective('BTCUSDT', 'sell', 'sl', roundToTick(s.open[K + 1]! * 0.9, 0.1), id(K, 'sl'));
      const a = await algo;
      expect(a.some((o) => o.clientOrderId === id(K, 'sl'))).toBe(true);
      // drop: the pending watch fails with a network error; the next watch reconnects
      const pending = pro.watchOHLCV('BTC/USDT:USDT', '5m').catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 100));
      f.emu.dropWebSockets();
      expect(await pending).toBeInstanceOf(E.NetworkError);
      expect(f.emu.subscriptions().market).toEqual([]);
      const again = pro.watchOHLCV('BTC/USDT:USDT', '5m');
      await until(() => f.emu.subscriptions().market.includes('btcusdt@kline_5m'));
      clock.advance(IV);
      f.emu.venue.sync();
      const k2 = await again;
      expect(k2.find((r) => r[0] === s.openTime[K + 1])!.slice(0, 5)).toEqual([s.openTime[K + 1], s.open[K + 1], s.high[K + 1], s.low[K + 1], s.close[K + 1]]);
    } finally {
      await pro.close();
    }
  });
});
