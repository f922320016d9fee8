import type { Bar } from '../core/market/bar.ts';
import { decimalsOf } from '../core/money/rounding.ts';
import type { SymbolSpec } from './symbolSpec.ts';
import type { Account, Venue, VenueAlgo, VenueOrder, VenueTrade } from './venue.ts';

/**
 * Binance USD-M JSON shapes (spec binance-usdm-api sections 4-8, 11), field for field as ccxt 4.5.84
 * parses them. Prices and money are printed with JavaScript's shortest round-trip form (String(x))
 * so the client parses back exactly the double the engine booked: fills carry the spec's cost model,
 * which is not on the tick grid, and parity is trade-for-trade. Quantities print at the step's decimals.
 */
export const num = (x: number): string => (Number.isFinite(x) ? String(x) : '0');

export function qtyStr(spec: SymbolSpec, x: number): string {
  return x.toFixed(decimalsOf(spec.stepSize));
}

export function exchangeInfo(venue: Venue, serverTime: number): unknown {
  return {
    timezone: 'UTC',
    serverTime,
    futuresType: 'U_MARGINED',
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ],
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: venue.symbols().map((s) => symbolInfo(venue.spec(s), venue.series(s).openTime[0] ?? 0)),
  };
}

function symbolInfo(s: SymbolSpec, onboard: number): unknown {
  return {
    symbol: s.symbol,
    pair: s.symbol,
    contractType: 'PERPETUAL',
    deliveryDate: 4133404800000,
    onboardDate: onboard,
    status: 'TRADING',
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: s.baseAsset,
    quoteAsset: 'USDT',
    marginAsset: 'USDT',
    pricePrecision: s.pricePrecision,
    quantityPrecision: s.quantityPrecision,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: [],
    settlePlan: 0,
    triggerProtect: '0.0500',
    liquidationFee: s.liquidationFee,
    marketTakeBound: '0.05',
    maxMoveOrderLimit: 10000,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: num(s.minPrice), maxPrice: num(s.maxPrice), tickSize: num(s.tickSize) },
      { filterType: 'LOT_SIZE', minQty: num(s.minQty), maxQty: num(s.maxQty), stepSize: num(s.stepSize) },
      { filterType: 'MARKET_LOT_SIZE', minQty: num(s.minQty), maxQty: num(s.marketMaxQty), stepSize: num(s.stepSize) },
      { filterType: 'MAX_NUM_ORDERS', limit: 200 },
      { filterType: 'MIN_NOTIONAL', notional: num(s.minNotional) },
      { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
    ],
    orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
  };
}

/** A kline row; `forming` rows show only what is known at `now` (the open), like a fresh candle. */
export function klineRow(b: Bar, intervalMs: number, forming: boolean): unknown[] {
  const o = num(b.open);
  const h = forming ? o : num(b.high);
  const l = forming ? o : num(b.low);
  const c = forming ? o : num(b.close);
  const v = forming ? '0' : num(b.volume);
  const q = forming ? '0' : num(b.volume * b.close);
  return [b.openTime, o, h, l, c, v, b.openTime + intervalMs - 1, q, forming ? 0 : Math.max(1, Math.round(b.volume)), '0', '0', '0'];
}

export function orderJson(spec: SymbolSpec, o: VenueOrder, withTime: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    orderId: o.orderId,
    symbol: o.symbol,
    status: o.status,
    clientOrderId: o.clientOrderId,
    price: '0',
    avgPrice: num(o.avgPrice),
    origQty: qtyStr(spec, o.origQty),
    executedQty: qtyStr(spec, o.executedQty),
    cumQty: qtyStr(spec, o.executedQty),
    cumQuote: num(o.cumQuote),
    timeInForce: 'GTC',
    type: o.type,
    reduceOnly: o.reduceOnly,
    closePosition: o.closePosition,
    side: o.side,
    positionSide: 'BOTH',
    stopPrice: num(o.stopPrice),
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    origType: o.origType,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
    updateTime: o.updateTime,
  };
  if (withTime) out['time'] = o.time;
  return out;
}

export function algoJson(spec: SymbolSpec, o: VenueAlgo, full: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    algoId: o.algoId,
    clientAlgoId: o.clientAlgoId,
    algoType: 'CONDITIONAL',
    orderType: o.orderType,
    symbol: o.symbol,
    side: o.side,
    positionSide: 'BOTH',
    timeInForce: 'GTC',
    quantity: qtyStr(spec, o.quantity),
    algoStatus: o.algoStatus,
    triggerPrice: num(o.triggerPrice),
    price: '0',
    icebergQuantity: null,
    selfTradePreventionMode: 'EXPIRE_MAKER',
    workingType: o.workingType,
    priceMatch: 'NONE',
    closePosition: o.closePosition,
    priceProtect: false,
    reduceOnly: o.reduceOnly,
    activatePrice: '',
    callbackRate: '',
    createTime: o.createTime,
    updateTime: o.updateTime,
    triggerTime: o.triggerTime,
    goodTillDate: 0,
  };
  if (full) {
    Object.assign(out, {
      actualOrderId: o.actualOrderId === null ? '' : String(o.actualOrderId),
      actualPrice: num(o.actualPrice),
      tpTriggerPrice: '0',
      tpPrice: '0',
      slTriggerPrice: '0',
      slPrice: '0',
      tpOrderType: '',
    });
  }
  return out;
}

export function tradeJson(spec: SymbolSpec, t: VenueTrade): unknown {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    side: t.side,
    price: num(t.price),
    qty: qtyStr(spec, t.qty),
    realizedPnl: num(t.realizedPnl),
    marginAsset: 'USDT',
    quoteQty: num(t.quoteQty),
    commission: num(t.commission),
    commissionAsset: 'USDT',
    time: t.time,
    positionSide: 'BOTH',
    maker: false,
    buyer: t.buyer,
  };
}

export function accountJson(venue: Venue, a: Account): unknown {
  const m = venue.margins(a);
  const margin = a.wallet + m.unrealized;
  const available = margin - m.initial;
  const positions = [...a.positions.values()]
    .filter((p) => p.amt !== 0)
    .map((p) => {
      const s = m.perSymbol.get(p.symbol)!;
      return {
        symbol: p.symbol,
        positionSide: 'BOTH',
        positionAmt: qtyStr(venue.spec(p.symbol), p.amt),
        unrealizedProfit: num(s.unrealized),
        isolatedMargin: '0',
        notional: num(p.amt * s.mark),
        isolatedWallet: '0',
        initialMargin: num(s.initial),
        maintMargin: num(Math.abs(p.amt) * s.mark * 0.004),
        updateTime: p.updateTime,
      };
    });
  return {
    totalInitialMargin: num(m.initial),
    totalMaintMargin: num(positions.reduce((x, p) => x + Number(p.maintMargin), 0)),
    totalWalletBalance: num(a.wallet),
    totalUnrealizedProfit: num(m.unrealized),
    totalMarginBalance: num(margin),
    totalPositionInitialMargin: num(m.initial),
    totalOpenOrderInitialMargin: '0',
    totalCrossWalletBalance: num(a.wallet),
    totalCrossUnPnl: num(m.unrealized),
    availableBalance: num(available),
    maxWithdrawAmount: num(Math.max(0, available)),
    assets: [
      {
        asset: 'USDT',
        walletBalance: num(a.wallet),
        unrealizedProfit: num(m.unrealized),
        marginBalance: num(margin),
        maintMargin: '0',
        initialMargin: num(m.initial),
        positionInitialMargin: num(m.initial),
        openOrderInitialMargin: '0',
        crossWalletBalance: num(a.wallet),
        crossUnPnl: num(m.unrealized),
        availableBalance: num(available),
        maxWithdrawAmount: num(Math.max(0, available)),
        // ccxt skips assets whose updateTime is exactly 0 (ccxt #27997)
        updateTime: Math.max(1, a.updateTime),
      },
    ],
    positions,
  };
}

/** positionRisk v3: symbols with a position or open orders (ccxt drops rows whose entryPrice is not > 0). */
export function positionRiskJson(venue: Venue, a: Account): unknown[] {
  const m = venue.margins(a);
  const out: unknown[] = [];
  for (const symbol of venue.symbols()) {
    const p = a.positions.get(symbol);
    const hasOrders = a.algos.some((o) => o.symbol === symbol && o.algoStatus === 'NEW');
    if ((!p || p.amt === 0) && !hasOrders) continue;
    const s = m.perSymbol.get(symbol);
    const amt = p?.amt ?? 0;
    const mark = s?.mark ?? safePrice(venue, symbol);
    out.push({
      symbol,
      positionSide: 'BOTH',
      positionAmt: qtyStr(venue.spec(symbol), amt),
      entryPrice: num(amt === 0 ? 0 : p!.entry),
      breakEvenPrice: num(amt === 0 ? 0 : p!.entry),
      markPrice: num(mark),
      unRealizedProfit: num(s?.unrealized ?? 0),
      liquidationPrice: '0',
      isolatedMargin: '0',
      notional: num(amt * mark),
      marginAsset: 'USDT',
      isolatedWallet: '0',
      initialMargin: num(s?.initial ?? 0),
      maintMargin: num(Math.abs(amt) * mark * 0.004),
      positionInitialMargin: num(s?.initial ?? 0),
      openOrderInitialMargin: '0',
      adl: amt === 0 ? 0 : 1,
      bidNotional: '0',
      askNotional: '0',
      updateTime: p?.updateTime ?? 0,
    });
  }
  return out;
}

function safePrice(venue: Venue, symbol: string): number {
  try {
    return venue.price(symbol);
  } catch {
    return 0;
  }
}

/** ORDER_TRADE_UPDATE `o` payload (section 11.3). */
export function orderUpdateJson(spec: SymbolSpec, o: VenueOrder, t: VenueTrade | null, exec: string): unknown {
  return {
    s: o.symbol,
    c: o.clientOrderId,
    S: o.side,
    o: o.type,
    f: 'GTC',
    q: qtyStr(spec, o.origQty),
    p: '0',
    ap: num(o.avgPrice),
    sp: num(o.stopPrice),
    x: exec,
    X: o.status,
    i: o.orderId,
    l: t ? qtyStr(spec, t.qty) : '0',
    z: qtyStr(spec, o.executedQty),
    L: t ? num(t.price) : '0',
    N: 'USDT',
    n: t ? num(t.commission) : '0',
    T: o.updateTime,
    t: t ? t.id : 0,
    b: '0',
    a: '0',
    m: false,
    R: o.reduceOnly,
    wt: 'CONTRACT_PRICE',
    ot: o.origType,
    ps: 'BOTH',
    cp: o.closePosition,
    rp: t ? num(t.realizedPnl) : '0',
    O: o.time,
  };
}

/** ALGO_UPDATE `o` payload (section 11.3). */
export function algoUpdateJson(spec: SymbolSpec, o: VenueAlgo): unknown {
  return {
    caid: o.clientAlgoId,
    aid: o.algoId,
    at: 'CONDITIONAL',
    o: o.orderType,
    s: o.symbol,
    S: o.side,
    ps: 'BOTH',
    f: 'GTC',
    q: qtyStr(spec, o.quantity),
    X: o.algoStatus,
    ai: o.actualOrderId === null ? '' : String(o.actualOrderId),
    ap: num(o.actualPrice),
    aq: o.actualOrderId === null ? '0' : qtyStr(spec, o.quantity),
    act: 'CONTRACT_PRICE',
    tp: num(o.triggerPrice),
    p: '0',
    V: 'EXPIRE_MAKER',
    wt: o.workingType,
    pm: 'NONE',
    cp: o.closePosition,
    pP: false,
    R: o.reduceOnly,
    tt: o.triggerTime,
    gtd: 0,
    rm: '',
  };
}
