import type { Bar } from '../market/bar.ts';
import { cloneEngineState, type EngineState } from '../portfolio/engineState.ts';
import type { GateRule } from '../types.ts';
import type { AuditRecord, ClosedTrade, FillEvent, Intent, StepSink } from './events.ts';
import { stepBar } from './stepBar.ts';
import type { StepContext } from './stepContext.ts';

export interface BarCloseResult {
  state: EngineState;
  intents: Intent[];
  audit: AuditRecord[];
  trades: ClosedTrade[];
  rejections: GateRule[];
}

class CollectSink implements StepSink {
  readonly verbose = true;
  readonly intents: Intent[] = [];
  readonly records: AuditRecord[] = [];
  readonly trades: ClosedTrade[] = [];
  readonly rejections: GateRule[] = [];
  audit(r: AuditRecord): void {
    this.records.push(r);
  }
  intent(i: Intent): void {
    this.intents.push(i);
  }
  trade(t: ClosedTrade): void {
    this.trades.push(t);
  }
  rejection(rule: GateRule): void {
    this.rejections.push(rule);
  }
}

/**
 * The pure decision step of DESIGN section 1: `onBarClose(state, bars, events, ctx) -> { state', intents, audit }`.
 * It runs the very same `stepBar` as the backtest fold, on a copy of the state, with full audit.
 */
export function onBarClose(state: EngineState, bars: readonly Bar[], events: readonly FillEvent[], ctx: StepContext): BarCloseResult {
  const next = cloneEngineState(state);
  const sink = new CollectSink();
  stepBar(next, bars, events, ctx, sink);
  return { state: next, intents: sink.intents, audit: sink.records, trades: sink.trades, rejections: sink.rejections };
}
