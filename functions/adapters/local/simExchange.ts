import { entryFillPrice, exitFillPrice, fillCost, takerFee } from '../../core/fills/costs.ts';
import { protectiveTriggerOf, Trigger, triggerRefPrice } from '../../core/fills/protective.ts';
import type { Bar, BarSeries } from '../../core/market/bar.ts';
import { barAt } from '../../core/market/bar.ts';
import type { CostsConfig, MarketFilters } from '../../core/types.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Exchange, ExchangeFill, ExchangeOrder, ExchangePosition, MarketInfo, OrderSide, PlaceResult } from '../../ports/exchange.ts';

interface Book {
  series: BarSeries;
  first: number;
  /** Index of the last bar whose intrabar prices were matched against resting stops. */
  done: number;
  pos: ExchangePosition;
}

/**
 * An in-process exchange over replayed candles on a virtual clock: market orders fill at the open
 * of the bar containing `now` (the forming bar) with the spec's cost model; closePosition stops
 * trigger intrabar by the spec's rule (core/fills `protectiveTriggerOf`: gap only for orders that
 * rested before the bar opened; SL wins when both are touched). It implements the Exchange port
 * the ccxt adapter implements, so the bar-close flow runs unchanged on either.
 */
export class SimExchange implements Exchange {
  private readonly books = new Map<string, Book>();
  private readonly orders = new Map<string, ExchangeOrder>();
  private readonly fillsLog: ExchangeFill[] = [];
  private wallet: number;
  private seq = 1;
  private readonly cost: number;

  constructor(
    series: readonly BarSeries[],
    private readonly markets_: Readonly<Record<string, MarketFilters>>,
    private readonly costs: CostsConfig,
    private readonly clock: Clock,
    balance = 10_000,
  ) {
    for (const s of series) this.books.set(s.symbol, { series: s, first: s.openTime[0]!, done: -1, pos: { symbol: s.symbol, qty: 0, entryPrice: 0 } });
    this.wallet = balance;
    this.cost = fillCost(costs);
  }

  private book(symbol: string): Book {
    const b = this.books.get(symbol);
    if (!b) throw new Error(`SimExchange: unknown symbol ${symbol}`);
    return b;
  }

  /** Match resting stops against every bar that closed up to the clock. */
  sync(): void {
    const now = this.clock.now();
    for (const b of this.books.values()) {
      const iv = b.series.intervalMs;
      while (b.done + 1 < b.series.length && b.series.openTime[b.done + 1]! + iv <= now) {
        b.done++;
        this.matchBar(b, barAt(b.series, b.done));
      }
    }
  }

  private matchBar(b: Book, bar: Bar): void {
    const stops = [...this.orders.values()].filter((o) => o.symbol === b.series.symbol && o.status === 'open' && o.type !== 'market');
    if (stops.length === 0) return;
    if (b.pos.qty === 0) {
      for (const o of stops) this.setStatus(o, 'expired', bar.openTime);
      return;
    }
    const side = b.pos.qty > 0 ? 1 : -1;
    const sl = stops.find((o) => o.type === 'stop_market');
    const tp = stops.find((o) => o.type === 'take_profit_market');
    const lv = { sl: sl?.triggerPrice ?? NaN, tp: tp?.triggerPrice ?? NaN };
    const rested = Math.max(sl?.time ?? 0, tp?.time ?? 0) < bar.openTime;
    const trig = protectiveTriggerOf(side, lv, bar, rested);
    if (trig === Trigger.None) return;
    const fired = trig === Trigger.Sl || trig === Trigger.GapSl ? sl! : tp!;
    const price = exitFillPrice(side, triggerRefPrice(trig, lv.sl, lv.tp, bar.open), this.cost);
    const gap = trig === Trigger.GapSl || trig === Trigger.GapTp;
    this.fill(b, fired, Math.abs(b.pos.qty), price, gap ? bar.openTime : bar.openTime + 1);
    this.setStatus(fired, 'triggered', fired.updateTime);
    for (const o of stops) if (o !== fired && o.status === 'open') this.setStatus(o, 'expired', fired.updateTime);
  }

  private setStatus(o: ExchangeOrder, s: ExchangeOrder['status'], t: number): void {
    o.status = s;
    o.updateTime = t;
  }

  private fill(b: Book, o: ExchangeOrder, qty: number, price: number, time: number): void {
    const fee = takerFee(this.costs, qty, price);
    const signed = o.side === 'buy' ? qty : -qty;
    const p = b.pos;
    if (p.qty !== 0 && Math.sign(signed) !== Math.sign(p.qty)) {
      // closing (one-way mode): realise P&L
      this.wallet += Math.sign(p.qty) * (price - p.entryPrice) * Math.min(qty, Math.abs(p.qty));
      p.qty += signed;
      if (Math.abs(p.qty) < 1e-12) {
        p.qty = 0;
        p.entryPrice = 0;
      }
    } else {
      p.entryPrice = p.qty === 0 ? price : (p.entryPrice * Math.abs(p.qty) + price * qty) / (Math.abs(p.qty) + qty);
      p.qty += signed;
    }
    this.wallet -= fee;
    o.filledQty = qty;
    o.avgPrice = price;
    o.updateTime = time;
    if (o.type === 'market') o.status = 'filled';
    this.fillsLog.push({ id: String(this.seq++), orderId: o.id, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, qty, price, fee, time });
  }

  private newOrder(symbol: string, side: OrderSide, type: ExchangeOrder['type'], qty: number, clientOrderId: string, extra: Partial<ExchangeOrder>): ExchangeOrder | PlaceResult {
    if (this.orders.has(clientOrderId)) return { kind: 'rejected', code: -4116, message: 'ClientOrderId is duplicated.' };
    const now = this.clock.now();
    const o: ExchangeOrder = { id: String(this.seq++), clientOrderId, symbol, side, type, status: 'open', qty, filledQty: 0, avgPrice: 0, reduceOnly: false, closePosition: false, time: now, updateTime: now, ...extra };
    this.orders.set(clientOrderId, o);
    return o;
  }

  async serverTime(): Promise<number> {
    return this.clock.now();
  }

  async markets(symbols: readonly string[]): Promise<Record<string, MarketInfo>> {
    const out: Record<string, MarketInfo> = {};
    for (const s of symbols) {
      const m = this.markets_[s];
      if (!m) throw new Error(`SimExchange: no filters for ${s}`);
      out[s] = { symbol: s, tick: m.tick, step: m.step, minNotional: m.min_notional, minQty: m.step };
    }
    return out;
  }

  async closedBars(symbol: string, _tf: string, since: number | undefined, limit: number): Promise<Bar[]> {
    this.sync();
    const b = this.book(symbol);
    const now = this.clock.now();
    const iv = b.series.intervalMs;
    const out: Bar[] = [];
    let end = Math.min(b.series.length, Math.floor((now - b.first) / iv)); // bars with close <= now
    while (end > 0 && b.series.openTime[end - 1]! + iv > now) end--;
    let start = 0;
    if (since !== undefined) start = Math.max(0, Math.ceil((since - b.first) / iv));
    else start = Math.max(0, end - limit);
    for (let i = start; i < end && out.length < limit; i++) out.push(barAt(b.series, i));
    return out;
  }

  async balance(): Promise<{ total: number; free: number }> {
    this.sync();
    return { total: this.wallet, free: this.wallet };
  }

  async positions(symbols: readonly string[]): Promise<ExchangePosition[]> {
    this.sync();
    return symbols.map((s) => ({ ...this.book(s).pos })).filter((p) => p.qty !== 0);
  }

  async openOrders(symbol: string): Promise<ExchangeOrder[]> {
    this.sync();
    return [...this.orders.values()].filter((o) => o.symbol === symbol && o.status === 'open').map((o) => ({ ...o }));
  }

  async placeMarket(symbol: string, side: OrderSide, qty: number, clientOrderId: string, reduceOnly: boolean): Promise<PlaceResult> {
    this.sync();
    const b = this.book(symbol);
    if (reduceOnly && (b.pos.qty === 0 || (side === 'buy') === b.pos.qty > 0)) return { kind: 'rejected', code: -2022, message: 'ReduceOnly Order is rejected.' };
    const o = this.newOrder(symbol, side, 'market', qty, clientOrderId, { reduceOnly });
    if ('kind' in o) return o;
    const now = this.clock.now();
    const i = Math.floor((now - b.first) / b.series.intervalMs);
    if (i < 0 || i >= b.series.length) return { kind: 'rejected', code: -1000, message: 'no market data at this time' };
    const ref = b.series.open[i]!;
    const price = side === 'buy' ? (reduceOnly ? exitFillPrice(-1, ref, this.cost) : entryFillPrice(1, ref, this.cost)) : reduceOnly ? exitFillPrice(1, ref, this.cost) : entryFillPrice(-1, ref, this.cost);
    this.fill(b, o, qty, price, now);
    return { kind: 'ok', order: { ...o } };
  }

  async placeProtective(symbol: string, side: OrderSide, kind: 'sl' | 'tp', triggerPrice: number, clientOrderId: string): Promise<PlaceResult> {
    this.sync();
    const o = this.newOrder(symbol, side, kind === 'sl' ? 'stop_market' : 'take_profit_market', 0, clientOrderId, { triggerPrice, closePosition: true, reduceOnly: true });
    if ('kind' in o) return o;
    return { kind: 'ok', order: { ...o } };
  }

  async cancel(_symbol: string, clientOrderId: string): Promise<'canceled' | 'not_found'> {
    this.sync();
    const o = this.orders.get(clientOrderId);
    if (!o || o.status !== 'open') return 'not_found';
    this.setStatus(o, 'canceled', this.clock.now());
    return 'canceled';
  }

  async findOrder(_symbol: string, clientOrderId: string): Promise<ExchangeOrder | null> {
    this.sync();
    const o = this.orders.get(clientOrderId);
    return o ? { ...o } : null;
  }

  async fills(symbol: string, since: number): Promise<ExchangeFill[]> {
    this.sync();
    return this.fillsLog.filter((f) => f.symbol === symbol && f.time >= since).map((f) => ({ ...f }));
  }
}
