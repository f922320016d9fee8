import { entryFillPrice, exitFillPrice, fillCost, fundingPayment, takerFee } from '../core/fills/costs.ts';
import { protectiveTriggerOf, Trigger, triggerRefPrice } from '../core/fills/protective.ts';
import type { Bar, BarSeries } from '../core/market/bar.ts';
import { barAt } from '../core/market/bar.ts';
import { isFundingTime } from '../core/market/timeframe.ts';
import { decimalsOf } from '../core/money/rounding.ts';
import type { CostsConfig } from '../core/types.ts';
import type { Clock } from '../ports/clock.ts';
import { BinanceError, err, badParam } from './binanceError.ts';
import type { SymbolSpec } from './symbolSpec.ts';

export type Side = 'BUY' | 'SELL';
export type OrderStatus = 'NEW' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';
export type AlgoStatus = 'NEW' | 'TRIGGERED' | 'FINISHED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';
export type AlgoType = 'STOP_MARKET' | 'TAKE_PROFIT_MARKET';

/** A regular order (MARKET only: the bot sends nothing else; child orders of triggered algos too). */
export interface VenueOrder {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: 'MARKET';
  origType: 'MARKET' | AlgoType;
  origQty: number;
  executedQty: number;
  avgPrice: number;
  cumQuote: number;
  status: OrderStatus;
  reduceOnly: boolean;
  closePosition: boolean;
  stopPrice: number;
  time: number;
  updateTime: number;
}

/** A conditional order in the Algo Service (spec binance-usdm-api section 7). */
export interface VenueAlgo {
  algoId: number;
  clientAlgoId: string;
  orderType: AlgoType;
  symbol: string;
  side: Side;
  quantity: number;
  triggerPrice: number;
  algoStatus: AlgoStatus;
  actualOrderId: number | null;
  actualPrice: number;
  closePosition: boolean;
  reduceOnly: boolean;
  workingType: string;
  createTime: number;
  updateTime: number;
  triggerTime: number;
}

export interface VenueTrade {
  id: number;
  orderId: number;
  symbol: string;
  side: Side;
  price: number;
  qty: number;
  realizedPnl: number;
  quoteQty: number;
  commission: number;
  time: number;
  buyer: boolean;
}

export interface VenuePosition {
  symbol: string;
  /** Signed (one-way mode): long > 0. */
  amt: number;
  entry: number;
  updateTime: number;
}

export interface Account {
  readonly key: string;
  readonly secret: string;
  wallet: number;
  updateTime: number;
  dualSidePosition: boolean;
  multiAssetsMargin: boolean;
  readonly leverage: Map<string, number>;
  readonly marginType: Map<string, 'CROSSED' | 'ISOLATED'>;
  readonly positions: Map<string, VenuePosition>;
  readonly orders: VenueOrder[];
  readonly algos: VenueAlgo[];
  readonly trades: VenueTrade[];
}

/** What the user data stream pushes (section 11.3): emitted in the order Binance reports them. */
export type UserEvent =
  | { e: 'ORDER_TRADE_UPDATE'; order: VenueOrder; trade: VenueTrade | null; exec: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' }
  | { e: 'ALGO_UPDATE'; algo: VenueAlgo }
  | { e: 'ACCOUNT_UPDATE'; reason: 'ORDER' | 'FUNDING_FEE'; symbol: string };

export interface VenueOptions {
  series: readonly BarSeries[];
  specs: Readonly<Record<string, SymbolSpec>>;
  costs: CostsConfig;
  clock: Clock;
  /** Funding rate at a funding time (00/08/16 UTC) for a symbol: a funding file, else the config rate. */
  fundingRate: (symbol: string, time: number) => number;
  /** Child order clientOrderId of a triggered algo: Binance's is unconfirmed (spec section 7.7). */
  childClientId?: 'clientAlgoId' | 'generated';
  /** Which earlier orders a new clientOrderId may not repeat (unconfirmed split: section 6.1). */
  duplicateIdScope?: 'open' | 'all';
  defaultLeverage?: number;
}

export interface VenueSnapshot {
  version: 1;
  seq: number;
  books: Array<{ symbol: string; opened: number; matched: number }>;
  accounts: Array<Omit<Account, 'leverage' | 'marginType' | 'positions'> & { leverage: Array<[string, number]>; marginType: Array<[string, 'CROSSED' | 'ISOLATED']>; positions: Array<[string, VenuePosition]> }>;
}

interface Book {
  readonly series: BarSeries;
  /** Index of the last bar whose opening (funding) was processed. */
  opened: number;
  /** Index of the last bar whose intrabar prices were matched against resting algo orders. */
  matched: number;
}

const EPS = 1e-12;

/**
 * The emulated matching engine: accounts, regular and algo orders, positions, trades and funding
 * over replayed candles on a clock. Every price and fee comes from core/fills (spec section 4):
 * market orders fill at the open of the bar forming at `now` moved by the cost model; resting
 * STOP_MARKET / TAKE_PROFIT_MARKET orders trigger by `protectiveTriggerOf` once their bar has closed
 * (gap only for orders resting before the bar opened, SL first when both are touched); funding is
 * charged at the open of each funding bar. The HTTP server and the in-process SimExchange are both
 * views of this one engine.
 */
export class Venue {
  readonly accounts = new Map<string, Account>();
  private readonly books = new Map<string, Book>();
  private seq = 1_000_000;
  private readonly cost: number;
  private readonly listeners = new Set<(account: Account, ev: UserEvent) => void>();
  private readonly barListeners = new Set<(symbol: string, bar: Bar, closed: boolean) => void>();

  constructor(readonly opts: VenueOptions) {
    for (const s of opts.series) {
      if (!opts.specs[s.symbol]) throw new Error(`Venue: no symbol spec for ${s.symbol}`);
      this.books.set(s.symbol, { series: s, opened: -1, matched: -1 });
    }
    this.cost = fillCost(opts.costs);
  }

  get clock(): Clock {
    return this.opts.clock;
  }

  symbols(): string[] {
    return [...this.books.keys()];
  }

  series(symbol: string): BarSeries {
    return this.book(symbol).series;
  }

  spec(symbol: string): SymbolSpec {
    const s = this.opts.specs[symbol];
    if (!s || !this.books.has(symbol)) throw err(-1121, 'Invalid symbol.');
    return s;
  }

  addAccount(key: string, secret: string, balance: number): Account {
    const a: Account = {
      key,
      secret,
      wallet: balance,
      updateTime: this.clock.now(),
      dualSidePosition: false,
      multiAssetsMargin: false,
      leverage: new Map(),
      marginType: new Map(),
      positions: new Map(),
      orders: [],
      algos: [],
      trades: [],
    };
    this.accounts.set(key, a);
    return a;
  }

  /**
   * Everything the venue holds besides its inputs (bars, specs, clock): accounts with their orders,
   * algos, trades and positions, the id sequence and how far each book has been processed. Plain
   * JSON, so a resumed local replay (`mft replay` without --fresh) continues on the same book.
   */
  snapshot(): VenueSnapshot {
    return {
      version: 1,
      seq: this.seq,
      books: [...this.books.entries()].map(([symbol, b]) => ({ symbol, opened: b.opened, matched: b.matched })),
      accounts: [...this.accounts.values()].map((a) => ({
        ...a,
        leverage: [...a.leverage.entries()],
        marginType: [...a.marginType.entries()],
        positions: [...a.positions.entries()],
      })),
    };
  }

  /** Back to a `snapshot()` (same bars and symbols); accounts are replaced. */
  restore(s: VenueSnapshot): void {
    if (s.version !== 1) throw new Error(`venue snapshot version ${String(s.version)} is not 1`);
    for (const b of s.books) {
      const book = this.books.get(b.symbol);
      if (!book) throw new Error(`venue snapshot has symbol ${b.symbol}, this venue does not`);
      book.opened = b.opened;
      book.matched = b.matched;
    }
    this.seq = s.seq;
    this.accounts.clear();
    for (const a of s.accounts) {
      this.accounts.set(a.key, { ...a, leverage: new Map(a.leverage), marginType: new Map(a.marginType), positions: new Map(a.positions), orders: [...a.orders], algos: [...a.algos], trades: [...a.trades] });
    }
  }

  onUserEvent(fn: (account: Account, ev: UserEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onBar(fn: (symbol: string, bar: Bar, closed: boolean) => void): () => void {
    this.barListeners.add(fn);
    return () => this.barListeners.delete(fn);
  }

  private emit(a: Account, ev: UserEvent): void {
    for (const l of this.listeners) l(a, ev);
  }

  private book(symbol: string): Book {
    const b = this.books.get(symbol);
    if (!b) throw err(-1121, 'Invalid symbol.');
    return b;
  }

  private nextId(): number {
    return this.seq++;
  }

  /** Index of the bar forming at `t` (-1 before the data, length past it). */
  private indexAt(b: Book, t: number): number {
    const s = b.series;
    if (s.length === 0 || t < s.openTime[0]!) return -1;
    const i = Math.floor((t - s.openTime[0]!) / s.intervalMs);
    return Math.min(i, s.length);
  }

  /** The last traded price at `now`: the open of the forming bar (the replay knows no intrabar path). */
  price(symbol: string): number {
    this.sync();
    const b = this.book(symbol);
    const i = this.indexAt(b, this.clock.now());
    if (i < 0 || i >= b.series.length) throw err(-1000, `No market data for ${symbol} at ${this.clock.now()}.`);
    return b.series.open[i]!;
  }

  /** Process every bar opening (funding) and closing (algo matching) up to the clock, in time order. */
  sync(): void {
    const now = this.clock.now();
    for (const [symbol, b] of this.books) {
      const s = b.series;
      const iv = s.intervalMs;
      for (;;) {
        const nextOpen = b.opened + 1 < s.length && s.openTime[b.opened + 1]! <= now ? s.openTime[b.opened + 1]! : Infinity;
        const nextClose = b.matched + 1 <= b.opened ? s.openTime[b.matched + 1]! + iv : Infinity;
        if (nextClose <= now && nextClose <= nextOpen) {
          b.matched++;
          const bar = barAt(s, b.matched);
          for (const a of this.accounts.values()) this.matchBar(a, symbol, bar);
          for (const l of this.barListeners) l(symbol, bar, true);
        } else if (nextOpen !== Infinity) {
          b.opened++;
          const bar = barAt(s, b.opened);
          if (isFundingTime(bar.openTime)) for (const a of this.accounts.values()) this.chargeFunding(a, symbol, bar);
          for (const l of this.barListeners) l(symbol, bar, false);
        } else break;
      }
    }
  }

  private chargeFunding(a: Account, symbol: string, bar: Bar): void {
    const p = a.positions.get(symbol);
    if (!p || p.amt === 0) return;
    const pay = fundingPayment(p.amt > 0 ? 1 : -1, Math.abs(p.amt), bar.open, this.opts.fundingRate(symbol, bar.openTime));
    a.wallet -= pay;
    a.updateTime = bar.openTime;
    this.emit(a, { e: 'ACCOUNT_UPDATE', reason: 'FUNDING_FEE', symbol });
  }

  private matchBar(a: Account, symbol: string, bar: Bar): void {
    const open = a.algos.filter((o) => o.symbol === symbol && o.algoStatus === 'NEW' && o.createTime < bar.openTime + this.book(symbol).series.intervalMs);
    if (open.length === 0) return;
    const p = a.positions.get(symbol);
    if (!p || p.amt === 0) {
      // closePosition / reduceOnly conditionals of a flat position are cancelled by the system
      for (const o of open) this.setAlgo(a, o, 'EXPIRED', Math.max(bar.openTime, o.createTime));
      return;
    }
    const side = p.amt > 0 ? 1 : -1;
    const closing = open.filter((o) => (o.side === 'SELL') === side > 0);
    const sl = closing.find((o) => o.orderType === 'STOP_MARKET');
    const tp = closing.find((o) => o.orderType === 'TAKE_PROFIT_MARKET');
    if (!sl && !tp) return;
    const lv = { sl: sl?.triggerPrice ?? NaN, tp: tp?.triggerPrice ?? NaN };
    // resting before the bar opened -> the gap rule applies (spec section 4, exits 1-2)
    const rested = Math.max(sl?.createTime ?? 0, tp?.createTime ?? 0) < bar.openTime;
    const trig = protectiveTriggerOf(side, lv, bar, rested);
    if (trig === Trigger.None) return;
    const fired = trig === Trigger.Sl || trig === Trigger.GapSl ? sl! : tp!;
    const gap = trig === Trigger.GapSl || trig === Trigger.GapTp;
    // OHLC bars do not say when inside the bar the trigger traded: stamp it just after the bar
    // opened, but never before the order or the position existed (a same-bar exit of an entry made
    // at close + 1 s must not predate it; trade history is time ordered).
    const t = gap ? bar.openTime : Math.max(bar.openTime, fired.createTime, p.updateTime) + 1;
    const price = exitFillPrice(side, triggerRefPrice(trig, lv.sl, lv.tp, bar.open), this.cost);
    const qty = fired.closePosition ? Math.abs(p.amt) : Math.min(fired.quantity, Math.abs(p.amt));
    fired.algoStatus = 'TRIGGERED';
    fired.triggerTime = t;
    fired.updateTime = t;
    const child = this.newOrder(a, {
      symbol,
      side: fired.side,
      qty,
      clientOrderId: this.opts.childClientId === 'generated' ? `autoclose-${this.nextId()}` : fired.clientAlgoId,
      reduceOnly: true,
      closePosition: fired.closePosition,
      origType: fired.orderType,
      stopPrice: fired.triggerPrice,
      time: t,
    });
    fired.actualOrderId = child.orderId;
    this.emit(a, { e: 'ALGO_UPDATE', algo: { ...fired } });
    this.fill(a, child, price, t);
    fired.algoStatus = 'FINISHED';
    fired.actualPrice = price;
    this.emit(a, { e: 'ALGO_UPDATE', algo: { ...fired } });
    const pos = a.positions.get(symbol);
    if (!pos || pos.amt === 0) for (const o of open) if (o !== fired && o.algoStatus === 'NEW') this.setAlgo(a, o, 'EXPIRED', t);
  }

  private setAlgo(a: Account, o: VenueAlgo, s: AlgoStatus, t: number): void {
    o.algoStatus = s;
    o.updateTime = t;
    this.emit(a, { e: 'ALGO_UPDATE', algo: { ...o } });
  }

  private newOrder(
    a: Account,
    r: { symbol: string; side: Side; qty: number; clientOrderId: string; reduceOnly: boolean; closePosition: boolean; origType: VenueOrder['origType']; stopPrice: number; time: number },
  ): VenueOrder {
    const o: VenueOrder = {
      orderId: this.nextId(),
      clientOrderId: r.clientOrderId,
      symbol: r.symbol,
      side: r.side,
      type: 'MARKET',
      origType: r.origType,
      origQty: r.qty,
      executedQty: 0,
      avgPrice: 0,
      cumQuote: 0,
      status: 'NEW',
      reduceOnly: r.reduceOnly,
      closePosition: r.closePosition,
      stopPrice: r.stopPrice,
      time: r.time,
      updateTime: r.time,
    };
    a.orders.push(o);
    this.emit(a, { e: 'ORDER_TRADE_UPDATE', order: { ...o }, trade: null, exec: 'NEW' });
    return o;
  }

  /** One full fill of a MARKET order: position, realised P&L, fee (core/fills), trade, events. */
  private fill(a: Account, o: VenueOrder, price: number, time: number): void {
    const qty = o.origQty;
    const fee = takerFee(this.opts.costs, qty, price);
    const signed = o.side === 'BUY' ? qty : -qty;
    const p = a.positions.get(o.symbol) ?? { symbol: o.symbol, amt: 0, entry: 0, updateTime: time };
    let realized = 0;
    if (p.amt !== 0 && Math.sign(signed) !== Math.sign(p.amt)) {
      const closed = Math.min(qty, Math.abs(p.amt));
      realized = Math.sign(p.amt) * (price - p.entry) * closed;
      const rest = p.amt + signed;
      if (Math.abs(rest) < EPS) {
        p.amt = 0;
        p.entry = 0;
      } else if (Math.sign(rest) !== Math.sign(p.amt)) {
        p.amt = rest;
        p.entry = price;
      } else p.amt = rest;
    } else {
      p.entry = p.amt === 0 ? price : (p.entry * Math.abs(p.amt) + price * qty) / (Math.abs(p.amt) + qty);
      p.amt += signed;
    }
    p.amt = Number(p.amt.toFixed(decimalsOf(this.spec(o.symbol).stepSize)));
    p.updateTime = time;
    a.positions.set(o.symbol, p);
    a.wallet += realized - fee;
    a.updateTime = time;
    o.executedQty = qty;
    o.avgPrice = price;
    o.cumQuote = qty * price;
    o.status = 'FILLED';
    o.updateTime = time;
    const t: VenueTrade = { id: this.nextId(), orderId: o.orderId, symbol: o.symbol, side: o.side, price, qty, realizedPnl: realized, quoteQty: qty * price, commission: fee, time, buyer: o.side === 'BUY' };
    a.trades.push(t);
    this.emit(a, { e: 'ORDER_TRADE_UPDATE', order: { ...o }, trade: { ...t }, exec: 'TRADE' });
    this.emit(a, { e: 'ACCOUNT_UPDATE', reason: 'ORDER', symbol: o.symbol });
  }

  private checkClientId(a: Account, id: string): void {
    if (!/^[.A-Z:/a-z0-9_-]{1,36}$/.test(id)) throw err(-4015, 'Client order id is not valid.');
    const all = this.opts.duplicateIdScope === 'all';
    const dupOrder = a.orders.some((o) => o.clientOrderId === id && (all || o.status === 'NEW'));
    const dupAlgo = a.algos.some((o) => o.clientAlgoId === id && (all || o.algoStatus === 'NEW'));
    if (dupOrder || dupAlgo) throw err(-4116, 'ClientOrderId is duplicated.');
  }

  private checkQty(symbol: string, qty: number, market: boolean): void {
    const s = this.spec(symbol);
    if (!(qty > 0)) throw err(-4003, 'Quantity less than or equal to zero.');
    const d = decimalsOf(s.stepSize);
    if (Math.abs(qty - Number(qty.toFixed(d))) > EPS) throw err(-1111, 'Precision is over the maximum defined for this asset.');
    const k = qty / s.stepSize;
    if (Math.abs(k - Math.round(k)) > 1e-6) throw err(-4023, `Quantity not increased by step size.`);
    const max = market ? s.marketMaxQty : s.maxQty;
    if (qty < s.minQty) throw err(-4003, 'Quantity less than or equal to zero.');
    if (qty > max) throw err(-1013, 'Filter failure: MARKET_LOT_SIZE');
  }

  private checkPrice(symbol: string, price: number, field: string): void {
    const s = this.spec(symbol);
    if (!(price > 0)) throw badParam(field);
    const d = decimalsOf(s.tickSize);
    if (Math.abs(price - Number(price.toFixed(d))) > 1e-9 * price) throw err(-1111, 'Precision is over the maximum defined for this asset.');
    if (price < s.minPrice || price > s.maxPrice) throw err(-4016, `Price higher than max price.`);
  }

  leverageOf(a: Account, symbol: string): number {
    return a.leverage.get(symbol) ?? this.opts.defaultLeverage ?? 20;
  }

  /** Initial margin in use and unrealised P&L at the current replay price. */
  margins(a: Account): { initial: number; unrealized: number; perSymbol: Map<string, { initial: number; unrealized: number; mark: number }> } {
    let initial = 0;
    let unrealized = 0;
    const perSymbol = new Map<string, { initial: number; unrealized: number; mark: number }>();
    for (const p of a.positions.values()) {
      if (p.amt === 0) continue;
      let mark: number;
      try {
        mark = this.price(p.symbol);
      } catch {
        mark = p.entry;
      }
      const im = (Math.abs(p.amt) * mark) / this.leverageOf(a, p.symbol);
      const up = p.amt * (mark - p.entry);
      initial += im;
      unrealized += up;
      perSymbol.set(p.symbol, { initial: im, unrealized: up, mark });
    }
    return { initial, unrealized, perSymbol };
  }

  placeMarket(a: Account, r: { symbol: string; side: Side; qty: number; clientOrderId: string; reduceOnly: boolean }): VenueOrder {
    this.sync();
    this.spec(r.symbol);
    this.checkClientId(a, r.clientOrderId);
    this.checkQty(r.symbol, r.qty, true);
    const ref = this.price(r.symbol);
    const p = a.positions.get(r.symbol);
    const amt = p?.amt ?? 0;
    if (r.reduceOnly) {
      const reduces = amt !== 0 && (r.side === 'SELL') === amt > 0 && r.qty <= Math.abs(amt) + EPS;
      if (!reduces) throw err(-2022, 'ReduceOnly Order is rejected.');
    } else {
      const price = entryFillPrice(r.side === 'BUY' ? 1 : -1, ref, this.cost);
      const notional = r.qty * price;
      const min = this.spec(r.symbol).minNotional;
      if (notional < min) throw err(-4164, `Order's notional must be no smaller than ${min} (unless you choose reduce only).`);
      const m = this.margins(a);
      const available = a.wallet + m.unrealized - m.initial;
      if (notional / this.leverageOf(a, r.symbol) > available) throw err(-2019, 'Margin is insufficient.');
    }
    const now = this.clock.now();
    const o = this.newOrder(a, { symbol: r.symbol, side: r.side, qty: r.qty, clientOrderId: r.clientOrderId, reduceOnly: r.reduceOnly, closePosition: false, origType: 'MARKET', stopPrice: 0, time: now });
    // buys pay ref*(1+cost), sells get ref*(1-cost): core/fills, whichever way the position goes
    this.fill(a, o, entryFillPrice(r.side === 'BUY' ? 1 : -1, ref, this.cost), now);
    return o;
  }

  placeAlgo(
    a: Account,
    r: { symbol: string; side: Side; type: AlgoType; triggerPrice: number; quantity: number | null; closePosition: boolean; reduceOnly: boolean; clientAlgoId: string; workingType: string },
  ): VenueAlgo {
    this.sync();
    this.spec(r.symbol);
    this.checkClientId(a, r.clientAlgoId);
    this.checkPrice(r.symbol, r.triggerPrice, 'triggerprice');
    if (r.closePosition && r.quantity !== null) throw err(-1106, "Parameter 'quantity' sent when not required.");
    if (!r.closePosition) {
      if (r.quantity === null) throw badParam('quantity');
      this.checkQty(r.symbol, r.quantity, false);
    }
    const ref = this.price(r.symbol);
    // a trigger already crossed at the last price would fire at once: Binance refuses (-2021)
    const up = (r.type === 'STOP_MARKET') === (r.side === 'BUY');
    if (up ? r.triggerPrice <= ref : r.triggerPrice >= ref) throw err(-2021, 'Order would immediately trigger.');
    if (r.reduceOnly && !r.closePosition) {
      const amt = a.positions.get(r.symbol)?.amt ?? 0;
      if (amt === 0 || (r.side === 'SELL') !== amt > 0) throw err(-2022, 'ReduceOnly Order is rejected.');
    }
    const now = this.clock.now();
    const o: VenueAlgo = {
      algoId: this.nextId(),
      clientAlgoId: r.clientAlgoId,
      orderType: r.type,
      symbol: r.symbol,
      side: r.side,
      quantity: r.quantity ?? 0,
      triggerPrice: r.triggerPrice,
      algoStatus: 'NEW',
      actualOrderId: null,
      actualPrice: 0,
      closePosition: r.closePosition,
      reduceOnly: r.reduceOnly || r.closePosition,
      workingType: r.workingType,
      createTime: now,
      updateTime: now,
      triggerTime: 0,
    };
    a.algos.push(o);
    this.emit(a, { e: 'ALGO_UPDATE', algo: { ...o } });
    return o;
  }

  findOrder(a: Account, symbol: string, by: { orderId?: number; clientOrderId?: string }): VenueOrder {
    this.sync();
    const o = a.orders.find((x) => x.symbol === symbol && (by.orderId !== undefined ? x.orderId === by.orderId : x.clientOrderId === by.clientOrderId));
    if (!o) throw err(-2013, 'Order does not exist.');
    return o;
  }

  cancelOrder(a: Account, symbol: string, by: { orderId?: number; clientOrderId?: string }): VenueOrder {
    this.sync();
    const o = a.orders.find((x) => x.symbol === symbol && x.status === 'NEW' && (by.orderId !== undefined ? x.orderId === by.orderId : x.clientOrderId === by.clientOrderId));
    if (!o) throw err(-2011, 'Unknown order sent.');
    o.status = 'CANCELED';
    o.updateTime = this.clock.now();
    this.emit(a, { e: 'ORDER_TRADE_UPDATE', order: { ...o }, trade: null, exec: 'CANCELED' });
    return o;
  }

  findAlgo(a: Account, by: { algoId?: number; clientAlgoId?: string }): VenueAlgo {
    this.sync();
    const o = a.algos.find((x) => (by.algoId !== undefined ? x.algoId === by.algoId : x.clientAlgoId === by.clientAlgoId));
    if (!o) throw err(-2013, 'Order does not exist.');
    return o;
  }

  cancelAlgo(a: Account, by: { algoId?: number; clientAlgoId?: string }): VenueAlgo {
    this.sync();
    const o = a.algos.find((x) => x.algoStatus === 'NEW' && (by.algoId !== undefined ? x.algoId === by.algoId : x.clientAlgoId === by.clientAlgoId));
    if (!o) throw err(-2011, 'Unknown order sent.');
    this.setAlgo(a, o, 'CANCELED', this.clock.now());
    return o;
  }

  cancelAllAlgos(a: Account, symbol: string): void {
    this.sync();
    for (const o of a.algos) if (o.symbol === symbol && o.algoStatus === 'NEW') this.setAlgo(a, o, 'CANCELED', this.clock.now());
  }

  cancelAllOrders(a: Account, symbol: string): void {
    this.sync();
    for (const o of a.orders) if (o.symbol === symbol && o.status === 'NEW') this.cancelOrder(a, symbol, { orderId: o.orderId });
  }

  setLeverage(a: Account, symbol: string, leverage: number): number {
    const s = this.spec(symbol);
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > s.maxLeverage) throw err(-4028, `Leverage ${leverage} is not valid`);
    a.leverage.set(symbol, leverage);
    return leverage;
  }

  setMarginType(a: Account, symbol: string, type: string): void {
    this.spec(symbol);
    if (type !== 'CROSSED' && type !== 'ISOLATED') throw err(-1116, 'Invalid marginType.');
    if ((a.marginType.get(symbol) ?? 'CROSSED') === type) throw err(-4046, 'No need to change margin type.');
    if ((a.positions.get(symbol)?.amt ?? 0) !== 0) throw err(-4048, 'Margin type cannot be changed if there exists position.');
    if (a.algos.some((o) => o.symbol === symbol && o.algoStatus === 'NEW')) throw err(-4047, 'Margin type cannot be changed if there exists open orders.');
    a.marginType.set(symbol, type);
  }

  setDualSide(a: Account, dual: boolean): void {
    if (a.dualSidePosition === dual) throw err(-4059, 'No need to change position side.');
    if ([...a.positions.values()].some((p) => p.amt !== 0)) throw err(-4068, 'Position side cannot be changed if there exists position.');
    if (a.algos.some((o) => o.algoStatus === 'NEW')) throw err(-4067, 'Position side cannot be changed if there exists open orders.');
    a.dualSidePosition = dual;
  }

  setMultiAssets(a: Account, on: boolean): void {
    if (a.multiAssetsMargin === on) throw err(-4171, 'Multi-Assets Mode is already set.');
    a.multiAssetsMargin = on;
  }
}

export { BinanceError };
