import type { Bar, BarSeries } from '../../core/market/bar.ts';
import { barAt } from '../../core/market/bar.ts';
import type { CostsConfig, MarketFilters } from '../../core/types.ts';
import { BinanceError } from '../../emulator/binanceError.ts';
import { createVenue } from '../../emulator/createVenue.ts';
import type { Account, Venue, VenueAlgo, VenueOrder } from '../../emulator/venue.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Exchange, ExchangeFill, ExchangeOrder, ExchangePosition, MarketInfo, OrderSide, PlaceResult } from '../../ports/exchange.ts';

/**
 * The Exchange port straight over the emulator's matching engine (functions/emulator/venue.ts), in
 * process, no HTTP: the "SimBroker" implementation of the port. Market orders fill at the open of
 * the forming bar with the spec's cost model; closePosition stops trigger intrabar by the spec's rule
 * (core/fills). The ccxt adapter against the emulator server is the other implementation over the
 * same engine; one contract suite runs against both (test/adapters/exchange.contract.ts).
 */
const SIM_KEY = 'sim';

export class SimExchange implements Exchange {
  readonly venue: Venue;

  constructor(series: readonly BarSeries[], markets: Readonly<Record<string, MarketFilters>>, costs: CostsConfig, clock: Clock, balance = 10_000, funding?: (symbol: string, time: number) => number | undefined) {
    this.venue = createVenue({ series, markets, costs, clock, ...(funding ? { funding } : {}) });
    this.venue.addAccount(SIM_KEY, SIM_KEY, balance);
  }

  /** Looked up each time: `venue.restore()` (a resumed replay) replaces the account objects. */
  private get account(): Account {
    return this.venue.accounts.get(SIM_KEY)!;
  }

  private get clock(): Clock {
    return this.venue.clock;
  }

  async serverTime(): Promise<number> {
    return this.clock.now();
  }

  async markets(symbols: readonly string[]): Promise<Record<string, MarketInfo>> {
    const out: Record<string, MarketInfo> = {};
    for (const s of symbols) {
      const m = this.venue.spec(s);
      out[s] = { symbol: s, tick: m.tickSize, step: m.stepSize, minNotional: m.minNotional, minQty: m.minQty };
    }
    return out;
  }

  async closedBars(symbol: string, _tf: string, since: number | undefined, limit: number): Promise<Bar[]> {
    const s = this.venue.series(symbol);
    const now = this.clock.now();
    const iv = s.intervalMs;
    const first = s.openTime[0] ?? 0;
    // bars whose close <= now
    const end = Math.max(0, Math.min(s.length, Math.floor((now - first) / iv)));
    const start = since !== undefined ? Math.max(0, Math.ceil((since - first) / iv)) : Math.max(0, end - limit);
    const out: Bar[] = [];
    for (let i = start; i < end && out.length < limit; i++) out.push(barAt(s, i));
    return out;
  }

  async balance(): Promise<{ total: number; free: number }> {
    this.venue.sync();
    const m = this.venue.margins(this.account);
    return { total: this.account.wallet + m.unrealized, free: this.account.wallet + m.unrealized - m.initial };
  }

  async positions(symbols: readonly string[]): Promise<ExchangePosition[]> {
    this.venue.sync();
    const out: ExchangePosition[] = [];
    for (const s of symbols) {
      const p = this.account.positions.get(s);
      if (p && p.amt !== 0) out.push({ symbol: s, qty: p.amt, entryPrice: p.entry });
    }
    return out;
  }

  async openOrders(symbol: string): Promise<ExchangeOrder[]> {
    this.venue.sync();
    return [
      ...this.account.orders.filter((o) => o.symbol === symbol && o.status === 'NEW').map(fromOrder),
      ...this.account.algos.filter((o) => o.symbol === symbol && o.algoStatus === 'NEW').map(fromAlgo),
    ];
  }

  async placeMarket(symbol: string, side: OrderSide, qty: number, clientOrderId: string, reduceOnly: boolean): Promise<PlaceResult> {
    return asResult(() => fromOrder(this.venue.placeMarket(this.account, { symbol, side: side === 'buy' ? 'BUY' : 'SELL', qty, clientOrderId, reduceOnly })));
  }

  async placeProtective(symbol: string, side: OrderSide, kind: 'sl' | 'tp', triggerPrice: number, clientOrderId: string): Promise<PlaceResult> {
    return asResult(() =>
      fromAlgo(
        this.venue.placeAlgo(this.account, {
          symbol,
          side: side === 'buy' ? 'BUY' : 'SELL',
          type: kind === 'sl' ? 'STOP_MARKET' : 'TAKE_PROFIT_MARKET',
          triggerPrice,
          quantity: null,
          closePosition: true,
          reduceOnly: false,
          clientAlgoId: clientOrderId,
          workingType: 'CONTRACT_PRICE',
        }),
      ),
    );
  }

  async cancel(symbol: string, clientOrderId: string): Promise<'canceled' | 'not_found'> {
    for (const f of [() => this.venue.cancelAlgo(this.account, { clientAlgoId: clientOrderId }), () => this.venue.cancelOrder(this.account, symbol, { clientOrderId })]) {
      try {
        f();
        return 'canceled';
      } catch (e) {
        if (!(e instanceof BinanceError)) throw e;
      }
    }
    return 'not_found';
  }

  async findOrder(_symbol: string, clientOrderId: string): Promise<ExchangeOrder | null> {
    this.venue.sync();
    const a = this.account.algos.find((o) => o.clientAlgoId === clientOrderId);
    if (a) return fromAlgo(a);
    const o = this.account.orders.find((x) => x.clientOrderId === clientOrderId && x.origType === 'MARKET');
    return o ? fromOrder(o) : null;
  }

  async fills(symbol: string, since: number): Promise<ExchangeFill[]> {
    this.venue.sync();
    const byId = new Map(this.account.orders.map((o) => [o.orderId, o]));
    return this.account.trades
      .filter((t) => t.symbol === symbol && t.time >= since)
      .map((t) => ({ id: String(t.id), orderId: String(t.orderId), clientOrderId: byId.get(t.orderId)?.clientOrderId ?? '', symbol: t.symbol, side: t.side === 'BUY' ? 'buy' : 'sell', qty: t.qty, price: t.price, fee: t.commission, time: t.time }));
  }
}

function asResult(f: () => ExchangeOrder): PlaceResult {
  try {
    return { kind: 'ok', order: f() };
  } catch (e) {
    if (e instanceof BinanceError) return { kind: 'rejected', code: e.code, message: e.msg };
    throw e;
  }
}

function fromOrder(o: VenueOrder): ExchangeOrder {
  return {
    id: String(o.orderId),
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side === 'BUY' ? 'buy' : 'sell',
    type: 'market',
    status: o.status === 'NEW' ? 'open' : o.status === 'FILLED' ? 'filled' : o.status === 'CANCELED' ? 'canceled' : o.status === 'EXPIRED' ? 'expired' : 'rejected',
    qty: o.origQty,
    filledQty: o.executedQty,
    avgPrice: o.avgPrice,
    reduceOnly: o.reduceOnly,
    closePosition: o.closePosition,
    time: o.time,
    updateTime: o.updateTime,
  };
}

function fromAlgo(o: VenueAlgo): ExchangeOrder {
  const s = o.algoStatus;
  return {
    id: String(o.algoId),
    clientOrderId: o.clientAlgoId,
    symbol: o.symbol,
    side: o.side === 'BUY' ? 'buy' : 'sell',
    type: o.orderType === 'STOP_MARKET' ? 'stop_market' : 'take_profit_market',
    status: s === 'NEW' ? 'open' : s === 'TRIGGERED' || s === 'FINISHED' ? 'triggered' : s === 'CANCELED' ? 'canceled' : s === 'EXPIRED' ? 'expired' : 'rejected',
    qty: o.quantity,
    filledQty: 0,
    avgPrice: o.actualPrice,
    triggerPrice: o.triggerPrice,
    reduceOnly: o.reduceOnly,
    closePosition: o.closePosition,
    time: o.createTime,
    updateTime: o.updateTime,
  };
}
