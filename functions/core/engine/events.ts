import type { ExitReason, GateRule, Regime, ScheduledExitReason, Side } from '../types.ts';

/**
 * What happened at the exchange (or the SimBroker) during a bar, applied by the step before the
 * close-of-bar logic. Live: the reconcile builds these from exchange fills; backtest: core/fills.
 */
export type FillEvent =
  | { kind: 'entry'; symbol: string; side: Side; qty: number; price: number; fee: number; time: number }
  | { kind: 'exit'; symbol: string; reason: ExitReason; qty: number; price: number; fee: number; time: number }
  /** A pending entry that will never fill (definitive rejection by the exchange). */
  | { kind: 'entry_rejected'; symbol: string; code: number | string; message: string; time: number };

/** Orders the core wants sent. Deterministic client ids make every send idempotent (DESIGN section 2). */
export type Intent =
  | {
      kind: 'entry';
      symbol: string;
      side: Side;
      qty: number;
      clientOrderId: string;
      signalTime: number;
      atr: number;
      refPrice: number;
    }
  | {
      kind: 'exit';
      symbol: string;
      /** Side of the position being closed. */
      side: Side;
      qty: number;
      reason: ScheduledExitReason;
      clientOrderId: string;
    };

export interface ClosedTrade {
  symbol: string;
  signalTime: number;
  entryTime: number;
  exitTime: number;
  side: Side;
  qty: number;
  entryPrice: number;
  exitPrice: number;
  fees: number;
  funding: number;
  pnl: number;
  reason: ExitReason;
  regime: Regime;
}

export type AuditRecord = { type: string; time: number; symbol?: string } & Record<string, unknown>;

/** Where the step reports what it did. The backtest keeps only decisions; the Lambda keeps all. */
export interface StepSink {
  /** Per-bar records (bar, indicators, no-signal decisions) only when true. */
  readonly verbose: boolean;
  audit(r: AuditRecord): void;
  intent(i: Intent): void;
  trade(t: ClosedTrade): void;
  rejection(rule: GateRule): void;
}

/** Canonical application order of events inside one bar (spec section 4: scheduled exit first). */
export function eventRank(e: FillEvent): number {
  if (e.kind === 'exit' && (e.reason === 'time' || e.reason === 'daily_loss' || e.reason === 'flatten')) return 0;
  if (e.kind === 'entry' || e.kind === 'entry_rejected') return 1;
  return 2;
}
