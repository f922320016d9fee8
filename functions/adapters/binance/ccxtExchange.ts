import { parseClientOrderId } from '../../core/engine/clientOrderId.ts';
import type { Bar } from '../../core/market/bar.ts';
import { timeframeMs } from '../../core/market/timeframe.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Exchange, ExchangeFill, ExchangeOrder, ExchangePosition, MarketInfo, OrderSide, OrderStatus, PlaceResult } from '../../ports/exchange.ts';
import type { BinanceUsdm } from './ccxtBinanceUsdm.ts';
import { ccxtErrors } from './ccxtBinanceUsdm.ts';
import { classifyError, type ClassifiedError } from './classifyError.ts';
import { AlgoOrderSchema, BalanceSchema, parseReply, PositionRiskSchema, RegularOrderSchema, SymbolInfoSchema, TradeSchema } from './replySchemas.ts';

type Ccxt = InstanceType<typeof BinanceUsdm>;
type Raw = Record<string, unknown>;

/** A failure the bar-close flow must not paper over: HTTP 418 ban, bad keys, retries exhausted. */
export class ExchangeUnavailableError extends Error {
  override readonly name = 'ExchangeUnavailableError';
  constructor(
    readonly operation: string,
    readonly classified: ClassifiedError,
    options: { cause: unknown },
  ) {
    super(`${operation}: ${classified.kind} (${classified.code ?? 'no code'}) ${classified.message}`, options);
  }
}

export interface CcxtExchangeOptions {
  /** Sleeps between retries (virtual in replays, real on AWS). */
  clock: Clock;
  /** Retries of a request that was certainly not executed (rate limit, -1021, network on reads). */
  maxRetries?: number;
  backoffMs?: number;
}

/** -2011 (cancel) / -2013 (query): no such order; ccxt maps them to OrderNotFound on Binance's hosts. */
const isNotFound = (e: unknown): boolean => e instanceof ccxtErrors.OrderNotFound || [-2011, -2013].includes((e as { classified?: ClassifiedError }).classified?.code ?? 0);

/** Largest page ccxt sends for klines (spec section 4.2: limit capped at 1000). */
const KLINE_PAGE = 1000;
const WEEK_MS = 7 * 24 * 3_600_000;
/** Binance keeps userTrades for about six months; older `since` values are clamped (nothing is there). */
const TRADE_HISTORY_MS = 180 * 24 * 3_600_000;

/**
 * The Exchange port over an unmodified ccxt `binanceusdm` (DESIGN section 5): the same instance
 * talks to the emulator (local), Binance demo trading (paper) or mainnet (live). Replies are read
 * from Binance's own fields (`info`) through zod; errors are classified retryable / definitive /
 * unknown; an order whose outcome is unknown is returned as `unknown`, never retried here: the
 * caller looks it up by clientOrderId first (runBarClose placeOnce).
 */
export class CcxtExchange implements Exchange {
  private readonly orderClientIds = new Map<string, string>();
  private marketsLoaded: Promise<unknown> | null = null;

  constructor(
    readonly ccxt: Ccxt,
    private readonly opts: CcxtExchangeOptions,
  ) {}

  /** Run a request, retrying only what certainly did not execute. */
  private async call<T>(operation: string, isOrder: boolean, fn: () => Promise<T>): Promise<T> {
    const max = this.opts.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const c = classifyError(e, isOrder);
        if (c.kind === 'retryable' && attempt < max) {
          if (c.clock) await this.ccxt.loadTimeDifference();
          const ra = Number(this.ccxt.last_response_headers?.['retry-after'] ?? this.ccxt.last_response_headers?.['Retry-After'] ?? NaN);
          const wait = Number.isFinite(ra) ? ra * 1000 : (c.retryAfterMs ?? 0) + (this.opts.backoffMs ?? 250) * 2 ** attempt;
          await this.opts.clock.sleep(c.clock ? 0 : wait);
          continue;
        }
        if (c.kind === 'banned' || c.kind === 'auth' || c.kind === 'retryable') throw new ExchangeUnavailableError(operation, c, { cause: e });
        throw Object.assign(e as Error, { classified: c });
      }
    }
  }

  private async loadMarkets(): Promise<void> {
    this.marketsLoaded ??= this.call('loadMarkets', false, () => this.ccxt.loadMarkets()).catch((e: unknown) => {
      this.marketsLoaded = null;
      throw e;
    });
    await this.marketsLoaded;
  }

  /** 'BTCUSDT' -> 'BTC/USDT:USDT' (ccxt's unified symbol of the linear perpetual). */
  private async unified(id: string): Promise<string> {
    await this.loadMarkets();
    const byId = this.ccxt.markets_by_id as Record<string, Array<{ symbol: string; linear?: boolean }>> | undefined;
    const m = byId?.[id]?.find((x) => x.linear !== false) ?? byId?.[id]?.[0];
    if (!m) throw new Error(`binance: unknown symbol ${id} (not in exchangeInfo)`);
    return m.symbol;
  }

  /** GET /fapi/v1/positionSide/dual: the bot trades one-way (BOTH) positions only. */
  async hedgeMode(): Promise<boolean> {
    await this.loadMarkets();
    const u = await this.unified(this.firstSymbol());
    const r = await this.call('fetchPositionMode', false, () => this.ccxt.fetchPositionMode(u));
    return r.hedged === true;
  }

  /** GET /fapi/v1/multiAssetsMargin: P&L, margin and the daily-loss gate assume USDT-only margin. */
  async multiAssetsMargin(): Promise<boolean> {
    const r = await this.call('multiAssetsMargin', false, () => (this.ccxt as unknown as { fapiPrivateGetMultiAssetsMargin: () => Promise<Raw> }).fapiPrivateGetMultiAssetsMargin());
    const v = r['multiAssetsMargin'];
    if (typeof v !== 'boolean') throw new Error(`binance: multiAssetsMargin reply has no boolean multiAssetsMargin: ${JSON.stringify(r)}`);
    return v;
  }

  /** POST /fapi/v1/leverage; returns the leverage Binance reports as set. */
  async setLeverage(symbol: string, leverage: number): Promise<number> {
    const u = await this.unified(symbol);
    const r = (await this.call('setLeverage', false, () => this.ccxt.setLeverage(leverage, u))) as Raw;
    return Number(r['leverage']);
  }

  /** POST /fapi/v1/marginType; -4046 "No need to change margin type" means it already is. */
  async setMarginType(symbol: string, type: 'CROSSED' | 'ISOLATED'): Promise<'changed' | 'unchanged'> {
    const u = await this.unified(symbol);
    try {
      await this.call('setMarginMode', false, () => this.ccxt.setMarginMode(type === 'CROSSED' ? 'cross' : 'isolated', u));
      return 'changed';
    } catch (e) {
      if ((e as { classified?: ClassifiedError }).classified?.code === -4046) return 'unchanged';
      throw e;
    }
  }

  /** From now on sign with the server's time (ccxt keeps the offset in options.timeDifference). */
  async syncTime(): Promise<void> {
    await this.call('loadTimeDifference', false, () => this.ccxt.loadTimeDifference());
  }

  private firstSymbol(): string {
    const ids = Object.keys((this.ccxt.markets_by_id ?? {}) as Record<string, unknown>);
    if (ids.length === 0) throw new Error('binance: exchangeInfo has no symbols');
    return ids.includes('BTCUSDT') ? 'BTCUSDT' : ids[0]!;
  }

  async serverTime(): Promise<number> {
    return this.call('fetchTime', false, () => this.ccxt.fetchTime()) as Promise<number>;
  }

  async markets(symbols: readonly string[]): Promise<Record<string, MarketInfo>> {
    await this.loadMarkets();
    const out: Record<string, MarketInfo> = {};
    for (const id of symbols) {
      const m = this.ccxt.market(await this.unified(id));
      const info = parseReply(SymbolInfoSchema, `exchangeInfo ${id}`, m.info);
      if (info.status !== 'TRADING') throw new Error(`binance: ${id} is ${info.status}, not TRADING`);
      const f = (t: string) => info.filters.find((x) => x.filterType === t);
      const tick = f('PRICE_FILTER')?.tickSize;
      const step = f('MARKET_LOT_SIZE')?.stepSize ?? f('LOT_SIZE')?.stepSize;
      const minQty = f('MARKET_LOT_SIZE')?.minQty ?? f('LOT_SIZE')?.minQty;
      const minNotional = f('MIN_NOTIONAL')?.notional ?? f('MIN_NOTIONAL')?.minNotional;
      if (!tick || !step || minNotional === undefined) throw new Error(`binance: ${id} exchangeInfo lacks PRICE_FILTER/LOT_SIZE/MIN_NOTIONAL`);
      for (const t of ['MARKET', 'STOP_MARKET', 'TAKE_PROFIT_MARKET']) if (!info.orderTypes.includes(t)) throw new Error(`binance: ${id} does not allow ${t} orders`);
      out[id] = { symbol: id, tick, step, minNotional, minQty: minQty ?? step };
    }
    return out;
  }

  /**
   * Closed klines from `since`: Binance's last row is the forming candle, so pages are read until
   * one comes back short (it reached the present) and its last row is dropped. Without `since`,
   * the latest `limit` closed bars.
   */
  async closedBars(symbol: string, timeframe: string, since: number | undefined, limit: number): Promise<Bar[]> {
    const u = await this.unified(symbol);
    const iv = timeframeMs(timeframe);
    const toBar = (r: (number | undefined)[]): Bar => ({ openTime: r[0]!, open: r[1]!, high: r[2]!, low: r[3]!, close: r[4]!, volume: r[5]! });
    if (since === undefined) {
      const n = Math.min(limit + 1, KLINE_PAGE);
      const rows = await this.call('fetchOHLCV', false, () => this.ccxt.fetchOHLCV(u, timeframe, undefined, n));
      return rows.slice(0, -1).slice(-limit).map(toBar);
    }
    const out: Bar[] = [];
    let cursor = since;
    for (;;) {
      const rows = await this.call('fetchOHLCV', false, () => this.ccxt.fetchOHLCV(u, timeframe, cursor, KLINE_PAGE));
      const full = rows.length >= KLINE_PAGE;
      const closed = full ? rows : rows.slice(0, -1);
      for (const r of closed) if (out.length === 0 || r[0]! > out[out.length - 1]!.openTime) out.push(toBar(r));
      if (!full || out.length > limit) break;
      cursor = rows[rows.length - 1]![0]! + iv;
    }
    return out.slice(0, limit);
  }

  async balance(): Promise<{ total: number; free: number }> {
    const b = await this.call('fetchBalance', false, () => this.ccxt.fetchBalance());
    const info = parseReply(BalanceSchema, 'account', b.info);
    const usdt = info.assets.find((a) => a.asset === 'USDT');
    return { total: usdt?.marginBalance ?? 0, free: usdt?.availableBalance ?? 0 };
  }

  async positions(symbols: readonly string[]): Promise<ExchangePosition[]> {
    const unified = await Promise.all(symbols.map((s) => this.unified(s)));
    const rows = await this.call('fetchPositions', false, () => this.ccxt.fetchPositions(unified));
    const out: ExchangePosition[] = [];
    for (const r of rows) {
      const p = parseReply(PositionRiskSchema, 'positionRisk', r.info);
      if (p.positionSide !== 'BOTH') throw new Error(`binance: hedge-mode position ${p.symbol} ${p.positionSide}; the bot runs one-way mode only`);
      if (p.positionAmt !== 0 && symbols.includes(p.symbol)) out.push({ symbol: p.symbol, qty: p.positionAmt, entryPrice: p.entryPrice });
    }
    return out;
  }

  async openOrders(symbol: string): Promise<ExchangeOrder[]> {
    const u = await this.unified(symbol);
    const [regular, algo] = await Promise.all([
      this.call('fetchOpenOrders', false, () => this.ccxt.fetchOpenOrders(u)),
      this.call('fetchOpenOrders(trigger)', false, () => this.ccxt.fetchOpenOrders(u, undefined, undefined, { trigger: true })),
    ]);
    return [...regular.map((o) => this.fromRegular(o.info)), ...algo.map((o) => this.fromAlgo(o.info))];
  }

  async placeMarket(symbol: string, side: OrderSide, qty: number, clientOrderId: string, reduceOnly: boolean): Promise<PlaceResult> {
    const u = await this.unified(symbol);
    const params: Raw = { clientOrderId };
    if (reduceOnly) params['reduceOnly'] = true;
    return this.place('createOrder(market)', () => this.ccxt.createOrder(u, 'market', side, qty, undefined, params), (info) => this.fromRegular(info));
  }

  async placeProtective(symbol: string, side: OrderSide, kind: 'sl' | 'tp', triggerPrice: number, clientOrderId: string): Promise<PlaceResult> {
    const u = await this.unified(symbol);
    const type = kind === 'sl' ? 'STOP_MARKET' : 'TAKE_PROFIT_MARKET';
    // closePosition: no quantity; ccxt routes it to POST /fapi/v1/algoOrder (spec section 7.1)
    return this.place(`createOrder(${type})`, () => this.ccxt.createOrder(u, type, side, undefined as unknown as number, undefined, { triggerPrice, closePosition: true, clientOrderId, workingType: 'CONTRACT_PRICE' }), (info) => this.fromAlgo(info));
  }

  private async place(operation: string, send: () => Promise<{ info: unknown }>, map: (info: unknown) => ExchangeOrder): Promise<PlaceResult> {
    let reply: { info: unknown };
    try {
      reply = await this.call(operation, true, send);
    } catch (e) {
      const c = (e as { classified?: ClassifiedError }).classified;
      if (!c) throw e;
      if (c.kind === 'definitive') return { kind: 'rejected', code: c.code ?? (e as Error).name, message: c.message };
      return { kind: 'unknown', message: c.message };
    }
    try {
      return { kind: 'ok', order: map(reply.info) };
    } catch (e) {
      // accepted, but the reply is not what we expect: the order exists; resolve by lookup
      return { kind: 'unknown', message: (e as Error).message };
    }
  }

  private isAlgo(clientOrderId: string): boolean | null {
    const p = parseClientOrderId(clientOrderId);
    return p ? p.intent === 'sl' || p.intent === 'tp' : null;
  }

  async cancel(symbol: string, clientOrderId: string): Promise<'canceled' | 'not_found'> {
    const u = await this.unified(symbol);
    const algo = this.isAlgo(clientOrderId);
    for (const trigger of algo === null ? [true, false] : [algo]) {
      try {
        await this.call('cancelOrder', false, () => this.ccxt.cancelOrder('', u, trigger ? { trigger: true, clientOrderId } : { clientOrderId }));
        return 'canceled';
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return 'not_found';
  }

  async findOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | null> {
    const u = await this.unified(symbol);
    const algo = this.isAlgo(clientOrderId);
    for (const trigger of algo === null ? [false, true] : [algo]) {
      try {
        const o = await this.call('fetchOrder', false, () => this.ccxt.fetchOrder('', u, trigger ? { trigger: true, clientOrderId } : { clientOrderId }));
        return trigger ? this.fromAlgo(o.info) : this.fromRegular(o.info);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return null;
  }

  /**
   * Our fills since `since`: userTrades carry Binance's orderId only, so each order's clientOrderId
   * is looked up once (allOrders; for the child order of a triggered algo order, the algo order whose
   * actualOrderId it is, whatever clientOrderId Binance gave the child: spec section 7.7).
   */
  async fills(symbol: string, since: number): Promise<ExchangeFill[]> {
    const u = await this.unified(symbol);
    const trades: Array<ReturnType<typeof TradeSchema.parse>> = [];
    // Binance's userTrades: startTime..endTime at most 7 days, history kept ~6 months (spec
    // binance-usdm-api, userTrades). Walk 7-day windows from `since` to now, each paged by 1000.
    const now = this.opts.clock.now();
    for (let from = Math.max(since, now - TRADE_HISTORY_MS); from <= now; from += WEEK_MS) {
      // not capped at our `now`: the server's clock may run ahead of ours by the measured offset
      const to = from + WEEK_MS - 1;
      let cursor = from;
      for (;;) {
        const page = await this.call('fetchMyTrades', false, () => this.ccxt.fetchMyTrades(u, cursor, 1000, { until: to }));
        for (const t of page) trades.push(parseReply(TradeSchema, 'userTrades', t.info));
        if (page.length < 1000) break;
        cursor = trades[trades.length - 1]!.time + 1;
      }
    }
    if (trades.length === 0) return [];
    const unknownIds = trades.filter((t) => !this.orderClientIds.has(t.orderId));
    if (unknownIds.length > 0) {
      const from = Math.min(...unknownIds.map((t) => t.time)) - 60_000;
      const orders = await this.call('fetchOrders', false, () => this.ccxt.fetchOrders(u, from));
      for (const o of orders) {
        const r = parseReply(RegularOrderSchema, 'allOrders', o.info);
        this.orderClientIds.set(r.orderId, r.clientOrderId);
      }
      const needAlgo = unknownIds.some((t) => parseClientOrderId(this.orderClientIds.get(t.orderId) ?? '') === null);
      if (needAlgo) {
        const algos = await this.call('fetchOrders(trigger)', false, () => this.ccxt.fetchOrders(u, from, undefined, { trigger: true }));
        for (const o of algos) {
          const a = parseReply(AlgoOrderSchema, 'allAlgoOrders', o.info);
          if (a.actualOrderId) this.orderClientIds.set(a.actualOrderId, a.clientAlgoId);
        }
      }
    }
    return trades.map((t) => ({
      id: t.id,
      orderId: t.orderId,
      clientOrderId: this.orderClientIds.get(t.orderId) ?? '',
      symbol: t.symbol,
      side: t.side === 'BUY' ? 'buy' : 'sell',
      qty: t.qty,
      price: t.price,
      fee: t.commissionAsset === 'USDT' ? t.commission : NaN,
      time: t.time,
    }));
  }

  private fromRegular(info: unknown): ExchangeOrder {
    const o = parseReply(RegularOrderSchema, 'order', info);
    this.orderClientIds.set(o.orderId, o.clientOrderId);
    const status: OrderStatus = o.status === 'FILLED' ? 'filled' : o.status === 'CANCELED' ? 'canceled' : o.status === 'REJECTED' ? 'rejected' : o.status.startsWith('EXPIRED') ? 'expired' : 'open';
    return {
      id: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side === 'BUY' ? 'buy' : 'sell',
      type: 'market',
      status,
      qty: o.origQty,
      filledQty: o.executedQty,
      avgPrice: o.avgPrice,
      reduceOnly: o.reduceOnly,
      closePosition: o.closePosition ?? false,
      time: o.time ?? o.updateTime,
      updateTime: o.updateTime,
    };
  }

  private fromAlgo(info: unknown): ExchangeOrder {
    const o = parseReply(AlgoOrderSchema, 'algoOrder', info);
    const s = o.algoStatus;
    const status: OrderStatus = s === 'NEW' || s === 'TRIGGERING' ? 'open' : s === 'TRIGGERED' || s === 'FINISHED' ? 'triggered' : s === 'CANCELED' ? 'canceled' : s === 'EXPIRED' ? 'expired' : 'rejected';
    if (o.orderType !== 'STOP_MARKET' && o.orderType !== 'TAKE_PROFIT_MARKET') throw new Error(`binance: algo order ${o.clientAlgoId} has type ${o.orderType}; the bot places STOP_MARKET/TAKE_PROFIT_MARKET only`);
    return {
      id: o.algoId,
      clientOrderId: o.clientAlgoId,
      symbol: o.symbol,
      side: o.side === 'BUY' ? 'buy' : 'sell',
      type: o.orderType === 'STOP_MARKET' ? 'stop_market' : 'take_profit_market',
      status,
      qty: o.quantity,
      filledQty: 0,
      avgPrice: o.actualPrice ?? 0,
      triggerPrice: o.triggerPrice,
      reduceOnly: o.reduceOnly,
      closePosition: o.closePosition,
      time: o.createTime,
      updateTime: o.updateTime,
    };
  }
}
