import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { barAt } from '../core/market/bar.ts';
import { FUNDING_INTERVAL_MS } from '../core/market/timeframe.ts';
import { BinanceError, err, badParam } from './binanceError.ts';
import { Faults, type FaultRule } from './faults.ts';
import { accountJson, algoJson, algoUpdateJson, exchangeInfo, klineRow, num, orderJson, orderUpdateJson, positionRiskJson, qtyStr, tradeJson } from './wire.ts';
import type { Account, AlgoType, Side, Venue } from './venue.ts';

export interface EmulatorOptions {
  venue: Venue;
  port?: number;
  host?: string;
  /** REQUEST_WEIGHT per minute of emulated time (Binance: 2400). */
  weightLimit?: number;
  /** Requests refused with 429 before the IP is banned with 418. */
  banAfter429?: number;
  banMs?: number;
  /** Funding history rows by symbol (a funding file); else generated from the venue's rate. */
  fundingHistory?: Readonly<Record<string, ReadonlyArray<{ time: number; rate: number }>>>;
  /** Max klines per request (Binance futures: 1500, unconfirmed). */
  maxKlineLimit?: number;
  faults?: Array<FaultRule | string>;
  /** Seed of the %probability fault rules. */
  seed?: number;
  /** Push stream events without waiting for a request: sync the venue every `tickMs` of wall time (speed/real-time clocks). */
  tickMs?: number;
}

export interface Emulator {
  rest: string;
  ws: string;
  venue: Venue;
  faults: Faults;
  /** Requests served, by `METHOD path` (tests assert the endpoints ccxt really used). */
  requests: Array<{ method: string; path: string; status: number }>;
  dropWebSockets(): void;
  /** Streams subscribed on open market sockets, and the number of open user-data sockets (tests wait on these). */
  subscriptions(): { market: string[]; user: number };
  close(): Promise<void>;
}

type Params = URLSearchParams;
interface Ctx {
  params: Params;
  account: Account | null;
  now: number;
}
interface Route {
  weight: number | ((p: Params) => number);
  /** 'signed' = HMAC + timestamp; 'key' = X-MBX-APIKEY only (listenKey); 'none' = public. */
  auth: 'signed' | 'key' | 'none';
  order?: boolean;
  fn: (c: Ctx) => unknown;
}

const MINUTE = 60_000;

/**
 * A Binance USD-M futures server over a Venue (DESIGN section 6): Binance's paths, JSON shapes,
 * request rules (HMAC-SHA256 over the raw query/body, X-MBX-APIKEY, timestamp + recvWindow -1021,
 * weights with X-MBX-USED-WEIGHT-1M, 429 + Retry-After, 418 ban) and error codes, plus the market and
 * user-data WebSocket streams, so an unmodified ccxt `binanceusdm` whose `urls.api` points here
 * cannot tell it from Binance. Reference: specs/binance-usdm-api.md.
 */
export async function startEmulator(opts: EmulatorOptions): Promise<Emulator> {
  const venue = opts.venue;
  // history up to the start is past: process it before any stream listens
  venue.sync();
  const faults = new Faults(opts.seed ?? 1);
  if (opts.faults) faults.add(...opts.faults);
  const weightLimit = opts.weightLimit ?? 2400;
  const banAfter = opts.banAfter429 ?? 5;
  const banMs = opts.banMs ?? 2 * MINUTE;
  const maxLimit = opts.maxKlineLimit ?? 1500;
  const requests: Emulator['requests'] = [];
  const listenKeys = new Map<string, { account: Account; expires: number }>();
  const weights = new Map<string, { minute: number; used: number; refused: number; bannedUntil: number }>();
  const wall = () => Date.now() + faults.value('skew');
  const now = () => venue.clock.now() + faults.value('skew');

  const acct = (c: Ctx): Account => c.account!;
  const sym = (p: Params): string => {
    const s = p.get('symbol');
    if (!s) throw badParam('symbol');
    venue.spec(s);
    return s;
  };
  const intParam = (p: Params, k: string): number | undefined => {
    const v = p.get(k);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw badParam(k);
    return Number(v);
  };
  const numParam = (p: Params, k: string): number | null => {
    const v = p.get(k);
    if (v === null || v === '') return null;
    const x = Number(v);
    if (!Number.isFinite(x)) throw badParam(k);
    return x;
  };
  const side = (p: Params): Side => {
    const s = p.get('side');
    if (s !== 'BUY' && s !== 'SELL') throw badParam('side');
    return s;
  };
  const bool = (p: Params, k: string): boolean => p.get(k) === 'true';
  /** A mandatory 'true' | 'false' parameter (position mode, multi-assets mode). */
  const strictBool = (p: Params, k: string): boolean => {
    const v = p.get(k);
    if (v !== 'true' && v !== 'false') throw badParam(k);
    return v === 'true';
  };
  /** Accounts are one-way: LONG/SHORT position sides are refused as Binance does in one-way mode. */
  const oneWay = (p: Params): void => {
    if ((p.get('positionSide') ?? 'BOTH') !== 'BOTH') throw err(-4061, "Order's position side does not match user's setting.");
  };
  /** Routes that take an optional `symbol`: one object for it, else an array over every symbol. */
  const perSymbol = (p: Params, fn: (symbol: string) => unknown): unknown => (p.get('symbol') ? fn(sym(p)) : venue.symbols().map(fn));
  /** Book price `level` ticks from the last price (asks from it, bids one tick below), as depth shows it. */
  const bookPrice = (symbol: string, side: 'bid' | 'ask', level: number): number => {
    const spec = venue.spec(symbol);
    const px = venue.price(symbol);
    return Number((side === 'bid' ? px - (level + 1) * spec.tickSize : px + level * spec.tickSize).toFixed(spec.pricePrecision + 2));
  };
  /**
   * Binance's history paging (allOrders, userTrades, allAlgoOrders): a startTime/endTime window of at
   * most 7 days, or from an id; without either, the latest `limit`.
   */
  function historyPage<T>(rows: readonly T[], p: Params, idParam: string, key: (r: T) => { id: number; time: number }): T[] {
    const { start, end, limit } = window(p, 500, 1000);
    const fromId = intParam(p, idParam);
    const sel = rows.filter((r) => {
      const k = key(r);
      return (fromId === undefined || k.id >= fromId) && (start === undefined || k.time >= start) && (end === undefined || k.time <= end);
    });
    return start === undefined && fromId === undefined ? sel.slice(-limit) : sel.slice(0, limit);
  }

  /** Klines visible at `now`: closed ones (after the kline delay fault), then the forming one. */
  function klines(p: Params): unknown[] {
    const symbol = sym(p);
    const s = venue.series(symbol);
    const iv = s.intervalMs;
    const interval = p.get('interval');
    if (!interval) throw badParam('interval');
    const t = venue.clock.now();
    const delay = faults.value('klinedelay');
    const missing = faults.missingKlines();
    const limit = Math.min(intParam(p, 'limit') ?? 500, maxLimit);
    if (limit < 1) throw err(-1130, 'Data sent for parameter \'limit\' is not valid.');
    const start = intParam(p, 'startTime');
    const end = intParam(p, 'endTime');
    const first = s.openTime[0] ?? 0;
    if (s.length === 0 || t < first) return [];
    const lastOpened = Math.min(s.length - 1, Math.floor((t - first) / iv));
    // closed and published: close + kline delay <= now
    const lastClosed = Math.min(lastOpened, Math.floor((t - delay - first) / iv) - 1);
    const maxIdx = Math.min(lastClosed + 1, lastOpened);
    const from = start !== undefined ? Math.max(0, Math.ceil((start - first) / iv)) : 0;
    const to = end !== undefined ? Math.min(maxIdx, Math.floor((end - first) / iv)) : maxIdx;
    const idx: number[] = [];
    if (start !== undefined) {
      for (let i = from; i <= to && idx.length < limit; i++) if (!missing.has(s.openTime[i]!)) idx.push(i);
    } else {
      for (let i = to; i >= 0 && idx.length < limit; i--) if (!missing.has(s.openTime[i]!)) idx.push(i);
      idx.reverse();
    }
    const rows = idx.map((i) => klineRow(barAt(s, i), iv, i > lastClosed));
    // Past the end of the data the market still "trades" on Binance: the last row is always the
    // forming bar, and clients (our adapter included) drop it. Show one forming bar opening at the
    // last close, so the final bar of the data reads as closed exactly like every other bar.
    const endOpen = first + s.length * iv;
    if (lastClosed === s.length - 1 && t >= endOpen && (end === undefined || end >= endOpen) && (start === undefined || idx.length < limit)) {
      const c = s.close[s.length - 1]!;
      if (start === undefined && rows.length >= limit) rows.shift();
      rows.push(klineRow({ openTime: endOpen, open: c, high: c, low: c, close: c, volume: 0 }, iv, true));
    }
    return rows;
  }

  function fundingRows(symbol: string, p: Params): unknown[] {
    const s = venue.series(symbol);
    const t = venue.clock.now();
    const rows = opts.fundingHistory?.[symbol]?.map((r) => ({ time: r.time, rate: r.rate })) ?? generatedFunding(s.openTime[0] ?? 0, Math.min(t, (s.openTime[s.length - 1] ?? 0) + s.intervalMs), symbol);
    const start = intParam(p, 'startTime');
    const end = intParam(p, 'endTime');
    const limit = Math.min(intParam(p, 'limit') ?? 100, 1000);
    let sel = rows.filter((r) => r.time <= t && (start === undefined || r.time >= start) && (end === undefined || r.time <= end));
    sel = start === undefined ? sel.slice(-limit) : sel.slice(0, limit);
    return sel.map((r) => ({ symbol, fundingTime: r.time, fundingRate: r.rate.toFixed(8), markPrice: num(priceAt(symbol, r.time)) }));
  }
  function generatedFunding(from: number, to: number, symbol: string): Array<{ time: number; rate: number }> {
    const out: Array<{ time: number; rate: number }> = [];
    for (let f = Math.ceil(from / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS; f <= to; f += FUNDING_INTERVAL_MS) out.push({ time: f, rate: venue.opts.fundingRate(symbol, f) });
    return out;
  }
  function priceAt(symbol: string, t: number): number {
    const s = venue.series(symbol);
    const i = Math.floor((t - (s.openTime[0] ?? 0)) / s.intervalMs);
    return i >= 0 && i < s.length ? s.open[i]! : 0;
  }

  const routes: Record<string, Route> = {
    'GET /fapi/v1/ping': { weight: 1, auth: 'none', fn: () => ({}) },
    'GET /fapi/v1/time': { weight: 1, auth: 'none', fn: (c) => ({ serverTime: c.now }) },
    'GET /fapi/v1/exchangeInfo': { weight: 1, auth: 'none', fn: (c) => exchangeInfo(venue, c.now) },
    'GET /fapi/v1/klines': {
      weight: (p) => {
        const l = Number(p.get('limit') ?? 500);
        return l < 100 ? 1 : l < 500 ? 2 : l <= 1000 ? 5 : 10;
      },
      auth: 'none',
      fn: (c) => klines(c.params),
    },
    'GET /fapi/v1/ticker/24hr': {
      weight: (p) => (p.get('symbol') ? 1 : 40),
      auth: 'none',
      fn: (c) => {
        return perSymbol(c.params, (symbol) => {
          const s = venue.series(symbol);
          const last = venue.price(symbol);
          const t = venue.clock.now();
          const i = Math.floor((t - s.openTime[0]!) / s.intervalMs);
          const from = Math.max(0, i - Math.round((24 * 60 * MINUTE) / s.intervalMs));
          let hi = -Infinity;
          let lo = Infinity;
          let vol = 0;
          for (let k = from; k < i; k++) {
            hi = Math.max(hi, s.high[k]!);
            lo = Math.min(lo, s.low[k]!);
            vol += s.volume[k]!;
          }
          const open = s.open[from]!;
          return {
            symbol,
            priceChange: num(last - open),
            priceChangePercent: ((100 * (last - open)) / open).toFixed(3),
            weightedAvgPrice: num(last),
            lastPrice: num(last),
            lastQty: '0',
            openPrice: num(open),
            highPrice: num(Number.isFinite(hi) ? Math.max(hi, last) : last),
            lowPrice: num(Number.isFinite(lo) ? Math.min(lo, last) : last),
            volume: num(vol),
            quoteVolume: num(vol * last),
            openTime: s.openTime[from]!,
            closeTime: t,
            firstId: 1,
            lastId: 1,
            count: 1,
          };
        });
      },
    },
    'GET /fapi/v1/depth': {
      weight: (p) => {
        const l = Number(p.get('limit') ?? 500);
        return l <= 50 ? 2 : l <= 100 ? 5 : l <= 500 ? 10 : 20;
      },
      auth: 'none',
      fn: (c) => {
        const symbol = sym(c.params);
        const spec = venue.spec(symbol);
        const n = Math.min(intParam(c.params, 'limit') ?? 5, 20);
        const bids: string[][] = [];
        const asks: string[][] = [];
        for (let k = 0; k < n; k++) {
          bids.push([num(bookPrice(symbol, 'bid', k)), qtyStr(spec, 1)]);
          asks.push([num(bookPrice(symbol, 'ask', k)), qtyStr(spec, 1)]);
        }
        return { lastUpdateId: venue.clock.now(), E: c.now, T: c.now, bids, asks };
      },
    },
    // the book of the depth route, top level only (ccxt fetchBidsAsks / fetchLastPrices)
    'GET /fapi/v1/ticker/bookTicker': {
      weight: (p) => (p.get('symbol') ? 2 : 5),
      auth: 'none',
      fn: (c) => {
        return perSymbol(c.params, (symbol) => {
          const spec = venue.spec(symbol);
          return { symbol, bidPrice: num(bookPrice(symbol, 'bid', 0)), bidQty: qtyStr(spec, 1), askPrice: num(bookPrice(symbol, 'ask', 0)), askQty: qtyStr(spec, 1), time: c.now, lastUpdateId: venue.clock.now() };
        });
      },
    },
    'GET /fapi/v1/ticker/price': {
      weight: (p) => (p.get('symbol') ? 1 : 2),
      auth: 'none',
      fn: (c) => {
        return perSymbol(c.params, (symbol) => ({ symbol, price: num(venue.price(symbol)), time: c.now }));
      },
    },
    'GET /fapi/v1/premiumIndex': {
      weight: 1,
      auth: 'none',
      fn: (c) => {
        const symbol = sym(c.params);
        const px = venue.price(symbol);
        const next = Math.floor(venue.clock.now() / FUNDING_INTERVAL_MS + 1) * FUNDING_INTERVAL_MS;
        return {
          symbol,
          markPrice: num(px),
          indexPrice: num(px),
          estimatedSettlePrice: num(px),
          lastFundingRate: venue.opts.fundingRate(symbol, next).toFixed(8),
          interestRate: '0.00010000',
          nextFundingTime: next,
          time: c.now,
        };
      },
    },
    'GET /fapi/v1/fundingRate': { weight: 1, auth: 'none', fn: (c) => fundingRows(sym(c.params), c.params) },
    'GET /sapi/v1/capital/config/getall': { weight: 10, auth: 'signed', fn: () => [] },
    'GET /sapi/v1/margin/allPairs': { weight: 1, auth: 'signed', fn: () => [] },
    'GET /fapi/v3/account': { weight: 5, auth: 'signed', fn: (c) => accountJson(venue, acct(c)) },
    'GET /fapi/v2/account': { weight: 5, auth: 'signed', fn: (c) => accountJson(venue, acct(c)) },
    'GET /fapi/v2/balance': {
      weight: 5,
      auth: 'signed',
      fn: (c) => {
        const a = accountJson(venue, acct(c)) as { assets: Array<Record<string, unknown>> };
        return a.assets.map((x) => ({ accountAlias: 'emu', asset: 'USDT', balance: x['walletBalance'], crossWalletBalance: x['crossWalletBalance'], crossUnPnl: x['crossUnPnl'], availableBalance: x['availableBalance'], maxWithdrawAmount: x['maxWithdrawAmount'], marginAvailable: true, updateTime: x['updateTime'] }));
      },
    },
    'GET /fapi/v3/positionRisk': { weight: 5, auth: 'signed', fn: (c) => positionRiskJson(venue, acct(c)) },
    'GET /fapi/v2/positionRisk': { weight: 5, auth: 'signed', fn: (c) => positionRiskJson(venue, acct(c)) },
    'GET /fapi/v1/leverageBracket': {
      weight: 1,
      auth: 'signed',
      fn: (c) => {
        const list = (c.params.get('symbol') ? [sym(c.params)] : venue.symbols()).map((symbol) => ({
          symbol,
          notionalCoef: 1.0,
          brackets: [
            { bracket: 1, initialLeverage: venue.spec(symbol).maxLeverage, notionalCap: 50000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0.0 },
            { bracket: 2, initialLeverage: Math.min(100, venue.spec(symbol).maxLeverage), notionalCap: 600000, notionalFloor: 50000, maintMarginRatio: 0.005, cum: 50.0 },
          ],
        }));
        return c.params.get('symbol') ? list[0] : list;
      },
    },
    'POST /fapi/v1/leverage': {
      weight: 1,
      auth: 'signed',
      fn: (c) => {
        const symbol = sym(c.params);
        const l = intParam(c.params, 'leverage');
        if (l === undefined) throw badParam('leverage');
        venue.setLeverage(acct(c), symbol, l);
        return { leverage: l, maxNotionalValue: '230000000', symbol };
      },
    },
    'POST /fapi/v1/marginType': {
      weight: 1,
      auth: 'signed',
      fn: (c) => {
        venue.setMarginType(acct(c), sym(c.params), c.params.get('marginType') ?? '');
        return { code: 200, msg: 'success' };
      },
    },
    'GET /fapi/v1/positionSide/dual': { weight: 30, auth: 'signed', fn: (c) => ({ dualSidePosition: acct(c).dualSidePosition }) },
    'POST /fapi/v1/positionSide/dual': {
      weight: 1,
      auth: 'signed',
      fn: (c) => {
        venue.setDualSide(acct(c), strictBool(c.params, 'dualSidePosition'));
        return { code: 200, msg: 'success' };
      },
    },
    'GET /fapi/v1/multiAssetsMargin': { weight: 30, auth: 'signed', fn: (c) => ({ multiAssetsMargin: acct(c).multiAssetsMargin }) },
    'POST /fapi/v1/multiAssetsMargin': {
      weight: 1,
      auth: 'signed',
      fn: (c) => {
        venue.setMultiAssets(acct(c), strictBool(c.params, 'multiAssetsMargin'));
        return { code: 200, msg: 'success' };
      },
    },
    'POST /fapi/v1/order': {
      weight: 0,
      auth: 'signed',
      order: true,
      fn: (c) => {
        const p = c.params;
        const symbol = sym(p);
        const type = p.get('type');
        if (!type) throw badParam('type');
        if (['STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'].includes(type)) {
          throw err(-4120, 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.');
        }
        if (type !== 'MARKET') throw err(-1116, 'Invalid orderType.');
        oneWay(p);
        const qty = numParam(p, 'quantity');
        if (qty === null) throw badParam('quantity');
        const id = p.get('newClientOrderId') ?? `emu${randomBytes(10).toString('hex')}`;
        const o = venue.placeMarket(acct(c), { symbol, side: side(p), qty, clientOrderId: id, reduceOnly: bool(p, 'reduceOnly') });
        return orderJson(venue.spec(symbol), o, false);
      },
    },
    'GET /fapi/v1/order': {
      weight: 1,
      auth: 'signed',
      fn: (c) => {
        const symbol = sym(c.params);
        return orderJson(venue.spec(symbol), venue.findOrder(acct(c), symbol, orderRef(c.params)), true);
      },
    },
    'DELETE /fapi/v1/order': {
      weight: 1,
      auth: 'signed',
      fn: (c) => {
        const symbol = sym(c.params);
        return orderJson(venue.spec(symbol), venue.cancelOrder(acct(c), symbol, orderRef(c.params)), false);
      },
    },
    'DELETE /fapi/v1/allOpenOrders': {
      weight: 1,
      auth: 'signed',
      fn: (c) => {
        venue.cancelAllOrders(acct(c), sym(c.params));
        return { code: 200, msg: 'The operation of cancel all open order is done.' };
      },
    },
    'GET /fapi/v1/openOrders': {
      weight: (p) => (p.get('symbol') ? 1 : 40),
      auth: 'signed',
      fn: (c) => {
        const s = c.params.get('symbol') ? sym(c.params) : null;
        venue.sync();
        return acct(c).orders.filter((o) => o.status === 'NEW' && (s === null || o.symbol === s)).map((o) => orderJson(venue.spec(o.symbol), o, true));
      },
    },
    'GET /fapi/v1/allOrders': {
      weight: 5,
      auth: 'signed',
      fn: (c) => {
        const symbol = sym(c.params);
        venue.sync();
        const rows = historyPage(acct(c).orders.filter((o) => o.symbol === symbol), c.params, 'orderId', (o) => ({ id: o.orderId, time: o.time }));
        return rows.map((o) => orderJson(venue.spec(symbol), o, true));
      },
    },
    'GET /fapi/v1/userTrades': {
      weight: 5,
      auth: 'signed',
      fn: (c) => {
        const symbol = sym(c.params);
        venue.sync();
        const orderId = intParam(c.params, 'orderId');
        const mine = acct(c).trades.filter((t) => t.symbol === symbol && (orderId === undefined || t.orderId === orderId));
        return historyPage(mine, c.params, 'fromId', (t) => ({ id: t.id, time: t.time })).map((t) => tradeJson(venue.spec(symbol), t));
      },
    },
    'POST /fapi/v1/algoOrder': {
      weight: 0,
      auth: 'signed',
      order: true,
      fn: (c) => {
        const p = c.params;
        if (p.get('algoType') !== 'CONDITIONAL') throw badParam('algoType');
        const symbol = sym(p);
        const type = p.get('type');
        if (type !== 'STOP_MARKET' && type !== 'TAKE_PROFIT_MARKET') throw err(-1116, 'Invalid orderType.');
        oneWay(p);
        const trigger = numParam(p, 'triggerPrice');
        if (trigger === null) throw badParam('triggerprice');
        const o = venue.placeAlgo(acct(c), {
          symbol,
          side: side(p),
          type: type as AlgoType,
          triggerPrice: trigger,
          quantity: numParam(p, 'quantity'),
          closePosition: bool(p, 'closePosition'),
          reduceOnly: bool(p, 'reduceOnly'),
          clientAlgoId: p.get('clientAlgoId') ?? `emu${randomBytes(10).toString('hex')}`,
          workingType: p.get('workingType') ?? 'CONTRACT_PRICE',
        });
        return algoJson(venue.spec(symbol), o, false);
      },
    },
    'GET /fapi/v1/algoOrder': {
      weight: 1,
      auth: 'signed',
      fn: (c) => {
        const o = venue.findAlgo(acct(c), algoRef(c.params));
        return algoJson(venue.spec(o.symbol), o, true);
      },
    },
    'DELETE /fapi/v1/algoOrder': {
      weight: 1,
      auth: 'signed',
      fn: (c) => {
        const o = venue.cancelAlgo(acct(c), algoRef(c.params));
        return { algoId: o.algoId, clientAlgoId: o.clientAlgoId, code: '200', msg: 'success' };
      },
    },
    'GET /fapi/v1/openAlgoOrders': {
      weight: (p) => (p.get('symbol') ? 1 : 40),
      auth: 'signed',
      fn: (c) => {
        const s = c.params.get('symbol') ? sym(c.params) : null;
        venue.sync();
        return acct(c).algos.filter((o) => o.algoStatus === 'NEW' && (s === null || o.symbol === s)).map((o) => algoJson(venue.spec(o.symbol), o, true));
      },
    },
    'GET /fapi/v1/allAlgoOrders': {
      weight: 5,
      auth: 'signed',
      fn: (c) => {
        const symbol = sym(c.params);
        venue.sync();
        const rows = historyPage(acct(c).algos.filter((o) => o.symbol === symbol), c.params, 'algoId', (o) => ({ id: o.algoId, time: o.createTime }));
        return rows.map((o) => algoJson(venue.spec(symbol), o, true));
      },
    },
    'DELETE /fapi/v1/algoOpenOrders': {
      weight: 1,
      auth: 'signed',
      fn: (c) => {
        venue.cancelAllAlgos(acct(c), sym(c.params));
        return { code: 200, msg: 'The operation of cancel all open order is done.' };
      },
    },
    'POST /fapi/v1/listenKey': {
      weight: 1,
      auth: 'key',
      fn: (c) => {
        const a = acct(c);
        let key = [...listenKeys].find(([, v]) => v.account === a && v.expires > wall())?.[0];
        key ??= randomBytes(32).toString('hex');
        listenKeys.set(key, { account: a, expires: wall() + 60 * MINUTE });
        return { listenKey: key };
      },
    },
    'PUT /fapi/v1/listenKey': {
      weight: 1,
      auth: 'key',
      fn: (c) => {
        const a = acct(c);
        const e = [...listenKeys].find(([, v]) => v.account === a && v.expires > wall());
        if (!e) throw err(-1125, 'This listenKey does not exist.');
        e[1].expires = wall() + 60 * MINUTE;
        return { listenKey: e[0] };
      },
    },
    'DELETE /fapi/v1/listenKey': {
      weight: 1,
      auth: 'key',
      fn: (c) => {
        for (const [k, v] of listenKeys) if (v.account === acct(c)) listenKeys.delete(k);
        return {};
      },
    },
  };
  // ccxt fetchLastPrices asks v2 (same shape as v1)
  routes['GET /fapi/v2/ticker/price'] = routes['GET /fapi/v1/ticker/price']!;

  function orderRef(p: Params): { orderId?: number; clientOrderId?: string } {
    const id = intParam(p, 'orderId');
    if (id !== undefined) return { orderId: id };
    const c = p.get('origClientOrderId');
    if (c) return { clientOrderId: c };
    throw err(-1102, "Either orderId or origClientOrderId must be sent.");
  }
  function algoRef(p: Params): { algoId?: number; clientAlgoId?: string } {
    const id = intParam(p, 'algoId');
    if (id !== undefined) return { algoId: id };
    const c = p.get('clientAlgoId');
    if (c) return { clientAlgoId: c };
    throw err(-1102, 'Either algoId or clientAlgoId must be sent.');
  }
  function window(p: Params, def: number, max: number): { start?: number; end?: number; limit: number } {
    const start = intParam(p, 'startTime');
    const end = intParam(p, 'endTime');
    const limit = Math.min(intParam(p, 'limit') ?? def, max);
    if (start !== undefined && end !== undefined && end - start > 7 * 24 * 60 * MINUTE) throw err(-1127, 'More than 7 days between startTime and endTime.');
    const out: { start?: number; end?: number; limit: number } = { limit };
    if (start !== undefined) out.start = start;
    if (end !== undefined) out.end = end;
    return out;
  }

  function authenticate(req: IncomingMessage, raw: string, route: Route): Account | null {
    if (route.auth === 'none') return null;
    const key = req.headers['x-mbx-apikey'];
    if (typeof key !== 'string' || key.length === 0) throw err(-2014, 'API-key format invalid.', 401);
    const a = venue.accounts.get(key);
    if (!a) throw err(-2015, 'Invalid API-key, IP, or permissions for action.', 401);
    if (route.auth === 'key') return a;
    const i = raw.lastIndexOf('&signature=');
    const sig = i >= 0 ? raw.slice(i + '&signature='.length) : new URLSearchParams(raw).get('signature');
    if (!sig) throw badParam('signature');
    const payload = i >= 0 ? raw.slice(0, i) : raw;
    const want = createHmac('sha256', a.secret).update(payload).digest('hex');
    if (sig.length !== want.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(want))) throw err(-1022, 'Signature for this request is not valid.');
    const p = new URLSearchParams(payload);
    const ts = Number(p.get('timestamp'));
    if (!Number.isFinite(ts) || ts <= 0) throw badParam('timestamp');
    const recv = Number(p.get('recvWindow') ?? 5000);
    if (!(recv > 0) || recv > 60_000) throw err(-1131, 'recvWindow must be less than 60000');
    // ccxt's timestamp is wall clock (never the replay's virtual time): section 2
    const server = wall();
    if (ts >= server + 1000 || server - ts > recv) throw err(-1021, 'Timestamp for this request is outside of the recvWindow.');
    return a;
  }

  function chargeWeight(ip: string, w: number): { used: number; refuse?: BinanceError } {
    const minute = Math.floor(venue.clock.now() / MINUTE);
    let s = weights.get(ip);
    if (!s) weights.set(ip, (s = { minute, used: 0, refused: 0, bannedUntil: 0 }));
    const t = wall();
    if (s.bannedUntil > t) return { used: s.used, refuse: err(-1003, `Way too many requests; IP(${ip}) banned until ${s.bannedUntil}. Please use the websocket for live updates to avoid bans.`, 418) };
    if (s.minute !== minute) {
      s.minute = minute;
      s.used = 0;
      s.refused = 0;
    }
    // over the limit, and every request until the window rolls over (not backing off after a 429)
    if (s.refused > 0 || s.used + w > weightLimit) {
      s.refused++;
      if (s.refused > banAfter) {
        s.bannedUntil = t + banMs;
        return { used: s.used, refuse: err(-1003, `Way too many requests; IP(${ip}) banned until ${s.bannedUntil}. Please use the websocket for live updates to avoid bans.`, 418) };
      }
      const retry = Math.max(1, Math.ceil(((minute + 1) * MINUTE - venue.clock.now()) / 1000));
      return { used: s.used, refuse: err(-1003, `Too many requests; current limit is ${weightLimit} requests per minute. Please use the websocket for live updates to avoid bans.`, 429, { 'Retry-After': String(retry) }) };
    }
    s.used += w;
    return { used: s.used };
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const ch of req) chunks.push(ch as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (url.pathname.startsWith('/_emu/')) return control(url, method, body, res);
    const raw = method === 'GET' || method === 'DELETE' ? url.search.slice(1) : body;
    const key = `${method} ${url.pathname}`;
    const route = routes[key];
    const headers: Record<string, string> = {};
    let status = 200;
    try {
      const fired = faults.match(method, url.pathname);
      const lat = fired.filter((f) => f.action === 'latency').reduce((x, f) => x + (f.value ?? 0), 0);
      if (lat > 0) await new Promise((r) => setTimeout(r, lat));
      if (fired.some((f) => f.action === 'wsdrop')) dropWebSockets();
      if (!route) throw err(-5000, `Path ${url.pathname}, Method ${method} is invalid`, 404);
      const w = typeof route.weight === 'function' ? route.weight(new URLSearchParams(raw)) : route.weight;
      const ip = req.socket.remoteAddress ?? 'local';
      const forced = fired.find((f) => f.action === 'ratelimit' || f.action === 'ban');
      if (forced?.action === 'ban') throw err(-1003, `Way too many requests; IP(${ip}) banned until ${wall() + banMs}. Please use the websocket for live updates to avoid bans.`, 418);
      if (forced?.action === 'ratelimit') throw err(-1003, `Too many requests; current limit is ${weightLimit} requests per minute. Please use the websocket for live updates to avoid bans.`, 429, { 'Retry-After': '1' });
      const charged = chargeWeight(ip, w);
      headers['X-MBX-USED-WEIGHT-1M'] = String(charged.used);
      if (charged.refuse) throw charged.refuse;
      const account = authenticate(req, raw, route);
      const st = fired.find((f) => f.action === 'status');
      if (st) throw err(st.value! >= 500 ? -1001 : -1000, st.value! >= 500 ? 'Internal error; unable to process your request. Please try again.' : 'An unknown error occured while processing the request.', st.value!);
      const rj = fired.find((f) => f.action === 'reject');
      if (rj) throw err(rj.value!, REJECT_MSG[rj.value!] ?? `Rejected by fault injection (${rj.value}).`);
      const params = new URLSearchParams(raw);
      params.delete('signature');
      const out = route.fn({ params, account, now: now() });
      if (route.order && account) {
        headers['X-MBX-ORDER-COUNT-1M'] = '1';
        headers['X-MBX-ORDER-COUNT-10S'] = '1';
      }
      const to = fired.find((f) => f.action === 'timeout');
      if (to) {
        // executed, but the reply never arrives: the client must look the order up
        requests.push({ method, path: url.pathname, status: 0 });
        await new Promise((r) => setTimeout(r, to.value ?? 0));
        req.socket.destroy();
        return;
      }
      send(res, status, out, headers);
    } catch (e) {
      if (e instanceof BinanceError) {
        status = e.http;
        send(res, status, { code: e.code, msg: e.msg }, { ...headers, ...e.headers });
      } else {
        status = 500;
        send(res, 500, { code: -1000, msg: `An unknown error occured while processing the request. (${e instanceof Error ? e.message : String(e)})` }, headers);
      }
    }
    requests.push({ method, path: url.pathname, status });
  }

  /** Test/CLI control plane under /_emu/ (not a Binance path): time, faults, WebSocket drops. */
  function control(url: URL, method: string, body: string, res: ServerResponse): void {
    try {
      const clock = venue.clock as { set?: (t: number) => void; advance?: (ms: number) => void };
      if (url.pathname === '/_emu/time' && method === 'GET') return send(res, 200, { time: venue.clock.now() }, {});
      if (url.pathname === '/_emu/advance' && method === 'POST') {
        if (!clock.advance) throw new Error('this emulator runs on a real-time or speed clock; --step enables /_emu/advance');
        clock.advance(Number(url.searchParams.get('ms') ?? venue.series(venue.symbols()[0]!).intervalMs));
        venue.sync();
        return send(res, 200, { time: venue.clock.now() }, {});
      }
      if (url.pathname === '/_emu/faults' && method === 'POST') {
        faults.add(body || (url.searchParams.get('spec') ?? ''));
        return send(res, 200, { faults: faults.list() }, {});
      }
      if (url.pathname === '/_emu/faults' && method === 'DELETE') {
        faults.clear();
        return send(res, 200, { faults: [] }, {});
      }
      if (url.pathname === '/_emu/ws/drop' && method === 'POST') {
        dropWebSockets();
        return send(res, 200, {}, {});
      }
      send(res, 404, { error: `unknown control path ${method} ${url.pathname}` }, {});
    } catch (e) {
      send(res, 400, { error: e instanceof Error ? e.message : String(e) }, {});
    }
  }

  // ---------------- WebSocket: market streams and user data ----------------
  const wss = new WebSocketServer({ noServer: true });
  const marketSubs = new Map<WebSocket, Set<string>>();
  const userSocks = new Map<WebSocket, Account>();

  function intervalName(ms: number): string {
    return ms % (24 * 60 * MINUTE) === 0 ? `${ms / (24 * 60 * MINUTE)}d` : ms % (60 * MINUTE) === 0 ? `${ms / (60 * MINUTE)}h` : `${ms / MINUTE}m`;
  }

  venue.onBar((symbol, bar, closed) => {
    const s = venue.series(symbol);
    const stream = `${symbol.toLowerCase()}@kline_${intervalName(s.intervalMs)}`;
    const msg = JSON.stringify({
      e: 'kline',
      E: now(),
      s: symbol,
      k: { t: bar.openTime, T: bar.openTime + s.intervalMs - 1, s: symbol, i: intervalName(s.intervalMs), f: 0, L: 0, o: num(bar.open), c: num(closed ? bar.close : bar.open), h: num(closed ? bar.high : bar.open), l: num(closed ? bar.low : bar.open), v: closed ? num(bar.volume) : '0', n: 0, x: closed, q: '0', V: '0', Q: '0', B: '0' },
    });
    for (const [ws, subs] of marketSubs) if (subs.has(stream) && ws.readyState === ws.OPEN) ws.send(msg);
  });

  venue.onUserEvent((a, ev) => {
    const socks = [...userSocks].filter(([, acc]) => acc === a).map(([ws]) => ws);
    if (socks.length === 0) return;
    const E = now();
    let msg: unknown;
    if (ev.e === 'ORDER_TRADE_UPDATE') msg = { e: ev.e, E, T: ev.order.updateTime, o: orderUpdateJson(venue.spec(ev.order.symbol), ev.order, ev.trade, ev.exec) };
    else if (ev.e === 'ALGO_UPDATE') msg = { e: ev.e, E, T: ev.algo.updateTime, o: algoUpdateJson(venue.spec(ev.algo.symbol), ev.algo) };
    else {
      const p = a.positions.get(ev.symbol);
      msg = {
        e: 'ACCOUNT_UPDATE',
        E,
        T: a.updateTime,
        a: {
          m: ev.reason,
          B: [{ a: 'USDT', wb: num(a.wallet), cw: num(a.wallet), bc: '0' }],
          P: [{ s: ev.symbol, pa: qtyStr(venue.spec(ev.symbol), p?.amt ?? 0), ep: num(p?.entry ?? 0), cr: '0', up: '0', mt: 'cross', iw: '0', ps: 'BOTH', ma: 'USDT' }],
        },
      };
    }
    const text = JSON.stringify(msg);
    for (const ws of socks) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  function subscriptions(): { market: string[]; user: number } {
    const market = new Set<string>();
    for (const [ws, subs] of marketSubs) if (ws.readyState === ws.OPEN) for (const x of subs) market.add(x);
    return { market: [...market].sort(), user: [...userSocks.keys()].filter((ws) => ws.readyState === ws.OPEN).length };
  }

  function dropWebSockets(): void {
    for (const ws of wss.clients) ws.terminate();
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { code: -1000, msg: String(e) }, {});
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const parts = url.pathname.split('/').filter(Boolean);
    const lk = url.searchParams.get('listenKey') ?? (parts.length >= 2 && parts[parts.length - 2] === 'ws' ? parts[parts.length - 1]! : null);
    const user = lk !== null ? listenKeys.get(lk) : undefined;
    if (url.pathname.includes('/private/') && (!user || user.expires <= wall())) {
      socket.write('HTTP/1.1 400 Bad Request\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (user && user.expires > wall()) {
        userSocks.set(ws, user.account);
        ws.on('close', () => userSocks.delete(ws));
        return;
      }
      const subs = new Set<string>();
      // streams in the path: /ws/btcusdt@kline_5m or /stream?streams=a/b
      for (const s of (url.searchParams.get('streams') ?? (parts[parts.length - 1]?.includes('@') ? parts[parts.length - 1]! : '')).split('/').filter(Boolean)) subs.add(s);
      marketSubs.set(ws, subs);
      ws.on('message', (data) => {
        let m: { method?: string; params?: string[]; id?: number | string };
        try {
          m = JSON.parse(String(data)) as typeof m;
        } catch {
          ws.send(JSON.stringify({ error: { code: 3, msg: 'Invalid JSON' } }));
          return;
        }
        if (m.method === 'SUBSCRIBE') for (const s of m.params ?? []) subs.add(s);
        else if (m.method === 'UNSUBSCRIBE') for (const s of m.params ?? []) subs.delete(s);
        else if (m.method === 'LIST_SUBSCRIPTIONS') return void ws.send(JSON.stringify({ result: [...subs], id: m.id ?? null }));
        ws.send(JSON.stringify({ result: null, id: m.id ?? null }));
      });
      ws.on('close', () => marketSubs.delete(ws));
    });
  });

  const ticker = opts.tickMs ? setInterval(() => venue.sync(), opts.tickMs) : null;
  ticker?.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  return {
    rest: `http://${host}:${port}`,
    ws: `ws://${host}:${port}`,
    venue,
    faults,
    requests,
    dropWebSockets,
    subscriptions,
    close: async () => {
      if (ticker) clearInterval(ticker);
      dropWebSockets();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const REJECT_MSG: Record<number, string> = {
  [-1001]: 'Internal error; unable to process your request. Please try again.',
  [-1007]: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
  [-1111]: 'Precision is over the maximum defined for this asset.',
  [-2019]: 'Margin is insufficient.',
  [-2021]: 'Order would immediately trigger.',
  [-2022]: 'ReduceOnly Order is rejected.',
  [-4118]: 'ReduceOnly Order Failed. Please check your existing position and open orders',
  [-4164]: "Order's notional must be no smaller than 100 (unless you choose reduce only).",
  [-4131]: "The counterparty's best price does not meet the PERCENT_PRICE filter limit",
};
