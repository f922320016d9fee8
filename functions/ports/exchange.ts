import type { Bar } from '../core/market/bar.ts';

/** Exchange filters as loaded at start-up (exchangeInfo): PRICE_FILTER, LOT_SIZE, MIN_NOTIONAL. */
export interface MarketInfo {
  symbol: string;
  tick: number;
  step: number;
  minNotional: number;
  minQty: number;
}

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'stop_market' | 'take_profit_market';
export type OrderStatus = 'open' | 'filled' | 'canceled' | 'expired' | 'rejected' | 'triggered';

/** Neutral order (regular and algo orders alike); symbols are Binance ids ('BTCUSDT'). */
export interface ExchangeOrder {
  id: string;
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  status: OrderStatus;
  qty: number;
  filledQty: number;
  avgPrice: number;
  triggerPrice?: number | undefined;
  reduceOnly: boolean;
  closePosition: boolean;
  time: number;
  updateTime: number;
}

export interface ExchangeFill {
  id: string;
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  qty: number;
  price: number;
  fee: number;
  time: number;
}

/** One-way mode position: qty signed (long > 0). */
export interface ExchangePosition {
  symbol: string;
  qty: number;
  entryPrice: number;
}

/**
 * Outcome of an order request, as a value (DESIGN section 5): accepted, definitively rejected
 * (no retry), or unknown (timeout, -1007): resolve by looking the order up before any retry.
 */
export type PlaceResult =
  | { kind: 'ok'; order: ExchangeOrder }
  | { kind: 'rejected'; code: number | string; message: string }
  | { kind: 'unknown'; message: string };

export interface Exchange {
  serverTime(): Promise<number>;
  markets(symbols: readonly string[]): Promise<Record<string, MarketInfo>>;
  /** Closed klines only (the forming bar Binance returns last is dropped), oldest first. */
  closedBars(symbol: string, timeframe: string, since: number | undefined, limit: number): Promise<Bar[]>;
  balance(): Promise<{ total: number; free: number }>;
  positions(symbols: readonly string[]): Promise<ExchangePosition[]>;
  /** Open regular and algo (conditional) orders. */
  openOrders(symbol: string): Promise<ExchangeOrder[]>;
  placeMarket(symbol: string, side: OrderSide, qty: number, clientOrderId: string, reduceOnly: boolean): Promise<PlaceResult>;
  /** STOP_MARKET (sl) / TAKE_PROFIT_MARKET (tp) with closePosition, via the Algo Order API. */
  placeProtective(symbol: string, side: OrderSide, kind: 'sl' | 'tp', triggerPrice: number, clientOrderId: string): Promise<PlaceResult>;
  cancel(symbol: string, clientOrderId: string): Promise<'canceled' | 'not_found'>;
  findOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | null>;
  /** Our fills since `since` (ms), oldest first. */
  fills(symbol: string, since: number): Promise<ExchangeFill[]>;
}
