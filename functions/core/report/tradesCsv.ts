import type { ClosedTrade } from '../engine/events.ts';
import { isoUtc } from '../market/timeframe.ts';

/** Exactly the header the issue fixes; numbers in JS shortest round-trip form (float precision kept). */
export const TRADES_CSV_HEADER = 'entry_time,exit_time,side,qty,entry_price,exit_price,fees,funding,pnl,exit_reason,regime';

export function tradesCsv(trades: readonly ClosedTrade[]): string {
  const lines = [TRADES_CSV_HEADER];
  for (const t of trades) {
    lines.push(
      [
        isoUtc(t.entryTime),
        isoUtc(t.exitTime),
        t.side === 1 ? 'long' : 'short',
        t.qty,
        t.entryPrice,
        t.exitPrice,
        t.fees,
        t.funding,
        t.pnl,
        t.reason,
        t.regime,
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

export function equityCsv(times: ArrayLike<number>, equity: ArrayLike<number>): string {
  const out: string[] = ['time,equity'];
  for (let i = 0; i < equity.length; i++) out.push(`${isoUtc(times[i]!)},${equity[i]}`);
  return out.join('\n') + '\n';
}
