import { cloneIndicatorState, newIndicatorState, type IndicatorState } from '../indicators/indicatorState.ts';
import type { Regime, ScheduledExitReason, Side, TradingConfig } from '../types.ts';

/** An open position (one-way mode: at most one per symbol). */
export interface Position {
  side: Side;
  qty: number;
  entryPrice: number;
  /** Open time of the fill bar (t+1). */
  entryTime: number;
  /** Absolute bar index of the fill bar; "bars held" counts it as 1 (spec section 4). */
  entryBar: number;
  entryFee: number;
  /** Funding paid so far (negative = received). */
  funding: number;
  tp: number;
  sl: number;
  /** Signal ATR, frozen for the life of the trade (spec section 2). */
  atr: number;
  regime: Regime;
  signalTime: number;
}

/** An entry decided at the close of bar t, to fill at the open of t+1. */
export interface PendingEntry {
  side: Side;
  qty: number;
  signalTime: number;
  atr: number;
  regime: Regime;
  clientOrderId: string;
  /** qty * close_t, counted by the exposure gate until it fills. */
  notional: number;
}

export interface SymbolState {
  symbol: string;
  ind: IndicatorState;
  /** Open time of the last folded bar; -1 before the first. */
  lastOpenTime: number;
  lastClose: number;
  position: Position | null;
  pending: PendingEntry | null;
  /** Exit decided at a close, to execute at the next open (spec section 4, exit 0). */
  scheduledExit: ScheduledExitReason | null;
  /** Bar index j_exit of the last exit (cooldown, spec section 3 gate 2); null if never. */
  lastExitBar: number | null;
}

/** The whole engine state: what DynamoDB's STATE item holds and what the backtest fold carries. */
export interface EngineState {
  schema: 1;
  capital: number;
  /** Realized P&L including every fee and funding payment when paid (spec section 5). */
  realized: number;
  /** Equity at the last close. */
  equity: number;
  /** UTC day (days since epoch) of the last folded bar; null before the first bar. */
  day: number | null;
  /** Equity at the close of the last bar of the previous UTC day (capital before the first day). */
  dayStartEquity: number;
  /** UTC day on which the daily-loss halt blocks entries (by signal bar open time); null if none. */
  haltDay: number | null;
  /** Entries filled (or pending) on UTC day `tradesDay` (gate 4, by fill time). */
  tradesDay: number | null;
  tradesCount: number;
  tradeSeq: number;
  symbols: SymbolState[];
}

export function newEngineState(cfg: TradingConfig): EngineState {
  return {
    schema: 1,
    capital: cfg.capital_usd,
    realized: 0,
    equity: cfg.capital_usd,
    day: null,
    dayStartEquity: cfg.capital_usd,
    haltDay: null,
    tradesDay: null,
    tradesCount: 0,
    tradeSeq: 0,
    symbols: cfg.symbols.map((symbol) => ({
      symbol,
      ind: newIndicatorState(cfg.strategy.params),
      lastOpenTime: -1,
      lastClose: 0,
      position: null,
      pending: null,
      scheduledExit: null,
      lastExitBar: null,
    })),
  };
}

/** Deep copy (the pure `onBarClose` works on a copy; the backtest fold owns and mutates its own). */
export function cloneEngineState(s: EngineState): EngineState {
  return {
    ...s,
    symbols: s.symbols.map((x) => ({
      ...x,
      ind: cloneIndicatorState(x.ind),
      position: x.position ? { ...x.position } : null,
      pending: x.pending ? { ...x.pending } : null,
    })),
  };
}
