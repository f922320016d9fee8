import { parseClientOrderId } from '../core/engine/clientOrderId.ts';
import type { FillEvent } from '../core/engine/events.ts';
import type { EngineState } from '../core/portfolio/engineState.ts';
import { barOpenAt } from '../core/market/timeframe.ts';
import type { ExitReason } from '../core/types.ts';
import type { ExchangeFill, ExchangePosition } from '../ports/exchange.ts';

const EXIT_BY_CODE: Record<string, ExitReason> = { sl: 'sl', tp: 'tp', tx: 'time', dl: 'daily_loss', fl: 'flatten' };

export interface Unexplained {
  fill?: ExchangeFill;
  symbol: string;
  reason: string;
}

/**
 * Known explanations of exchange fills become engine events (DESIGN section 2 step 4): our entry
 * filled, our protective order triggered, our exit filled. Anything else is unexplained.
 */
export function fillsToEvents(stage: string, fills: readonly ExchangeFill[]): { events: Array<{ event: FillEvent; fill: ExchangeFill }>; unexplained: Unexplained[] } {
  const events: Array<{ event: FillEvent; fill: ExchangeFill }> = [];
  const unexplained: Unexplained[] = [];
  for (const f of fills) {
    const id = parseClientOrderId(f.clientOrderId);
    if (!id || id.stage !== stage || id.symbol !== f.symbol) {
      unexplained.push({ fill: f, symbol: f.symbol, reason: `fill of an order this bot did not place (${f.clientOrderId})` });
      continue;
    }
    if (id.intent === 'en') {
      events.push({ fill: f, event: { kind: 'entry', symbol: f.symbol, side: f.side === 'buy' ? 1 : -1, qty: f.qty, price: f.price, fee: f.fee, time: f.time } });
    } else if (EXIT_BY_CODE[id.intent]) {
      events.push({ fill: f, event: { kind: 'exit', symbol: f.symbol, reason: EXIT_BY_CODE[id.intent]!, qty: f.qty, price: f.price, fee: f.fee, time: f.time } });
    } else {
      unexplained.push({ fill: f, symbol: f.symbol, reason: `unknown intent code '${id.intent}' in ${f.clientOrderId}` });
    }
  }
  return { events, unexplained };
}

/** State positions vs exchange positions (plus fills not yet folded): anything different is a mismatch. */
export function positionMismatches(state: EngineState, exchange: readonly ExchangePosition[], pendingQty: Readonly<Record<string, number>>): Unexplained[] {
  const out: Unexplained[] = [];
  for (const s of state.symbols) {
    const ours = s.position ? s.position.side * s.position.qty : 0;
    const theirs = (exchange.find((p) => p.symbol === s.symbol)?.qty ?? 0) - (pendingQty[s.symbol] ?? 0);
    if (Math.abs(ours - theirs) > 1e-9 * Math.max(1, Math.abs(ours))) {
      out.push({ symbol: s.symbol, reason: `position differs: state ${ours}, exchange ${theirs}` });
    }
  }
  for (const p of exchange) {
    if (!state.symbols.some((s) => s.symbol === p.symbol)) out.push({ symbol: p.symbol, reason: `exchange position in a symbol this bot does not trade (${p.qty})` });
  }
  return out;
}

/**
 * Net signed quantity (buy +, sell -) per symbol of the fills made after bar `barOpen` closed: the
 * forming bar's fills, which the next invocation folds. The position check discounts them.
 */
export function formingBarQty(events: ReadonlyArray<{ event: FillEvent; fill: ExchangeFill }>, barOpen: number, intervalMs: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { event: e, fill: f } of events) {
    if (barOpenAt(e.time, intervalMs) <= barOpen) continue;
    out[e.symbol] = (out[e.symbol] ?? 0) + (f.side === 'buy' ? f.qty : -f.qty);
  }
  return out;
}
