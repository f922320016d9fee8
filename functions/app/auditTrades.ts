import type { ClosedTrade } from '../core/engine/events.ts';
import { isoUtc } from '../core/market/timeframe.ts';

const TRADE_FIELDS = ['symbol', 'signalTime', 'entryTime', 'exitTime', 'side', 'qty', 'entryPrice', 'exitPrice', 'fees', 'funding', 'pnl', 'reason', 'regime'] as const;

type Rec = { type: string; time: number } & Record<string, unknown>;

/** A `trade` audit record (stepBar audits the whole ClosedTrade) back to the trade. */
export function tradeOf(r: Rec): ClosedTrade {
  const t: Record<string, unknown> = {};
  for (const f of TRADE_FIELDS) {
    if (r[f] === undefined) throw new Error(`audit trade record at ${isoUtc(r.time)} lacks '${f}' (written by an older code version?)`);
    t[f] = r[f];
  }
  return t as unknown as ClosedTrade;
}

/**
 * The trades of an audit trail, in order. A crashed run's adopted records and its re-run can both
 * record the same trade: one per (symbol, entry time), the later record winning.
 */
export function tradesFromAudit(records: readonly unknown[]): ClosedTrade[] {
  const byKey = new Map<string, ClosedTrade>();
  for (const x of records) {
    const r = x as Rec;
    if (r.type !== 'trade') continue;
    const key = `${String(r.symbol)}@${String(r.entryTime)}`;
    byKey.delete(key);
    byKey.set(key, tradeOf(r));
  }
  return [...byKey.values()];
}
