import type { MarketFilters } from '../core/types.ts';

/** One USD-M perpetual as exchangeInfo describes it (spec binance-usdm-api sections 4.1 and 9). */
export interface SymbolSpec {
  symbol: string;
  baseAsset: string;
  tickSize: number;
  minPrice: number;
  maxPrice: number;
  stepSize: number;
  minQty: number;
  maxQty: number;
  marketMaxQty: number;
  minNotional: number;
  pricePrecision: number;
  quantityPrecision: number;
  maxLeverage: number;
  liquidationFee: string;
}

/** Realistic defaults per symbol (section 9; values configurable), else derived from the config filters. */
const KNOWN: Record<string, Omit<SymbolSpec, 'tickSize' | 'stepSize' | 'minNotional' | 'minQty'>> = {
  BTCUSDT: { symbol: 'BTCUSDT', baseAsset: 'BTC', minPrice: 556.8, maxPrice: 4529764, maxQty: 1000, marketMaxQty: 120, pricePrecision: 2, quantityPrecision: 3, maxLeverage: 125, liquidationFee: '0.012500' },
  ETHUSDT: { symbol: 'ETHUSDT', baseAsset: 'ETH', minPrice: 39.86, maxPrice: 306177, maxQty: 10000, marketMaxQty: 2000, pricePrecision: 2, quantityPrecision: 3, maxLeverage: 125, liquidationFee: '0.012500' },
  SOLUSDT: { symbol: 'SOLUSDT', baseAsset: 'SOL', minPrice: 0.42, maxPrice: 6857, maxQty: 1000000, marketMaxQty: 5000, pricePrecision: 4, quantityPrecision: 2, maxLeverage: 100, liquidationFee: '0.015000' },
};

/** The exchange filters of the config (tick, step, min notional) are the ones the emulator enforces. */
export function symbolSpec(symbol: string, f: MarketFilters, over: Partial<SymbolSpec> = {}): SymbolSpec {
  const k = KNOWN[symbol];
  const decimals = (x: number) => Math.max(0, Math.round(-Math.log10(x)));
  return {
    symbol,
    baseAsset: k?.baseAsset ?? symbol.replace(/USDT$/, ''),
    minPrice: k?.minPrice ?? f.tick,
    maxPrice: k?.maxPrice ?? 1e9,
    maxQty: k?.maxQty ?? 1e9,
    marketMaxQty: k?.marketMaxQty ?? 1e9,
    pricePrecision: k?.pricePrecision ?? decimals(f.tick),
    quantityPrecision: k?.quantityPrecision ?? decimals(f.step),
    maxLeverage: k?.maxLeverage ?? 125,
    liquidationFee: k?.liquidationFee ?? '0.012500',
    tickSize: f.tick,
    stepSize: f.step,
    minQty: f.step,
    minNotional: f.min_notional,
    ...over,
  };
}
