import type { ClosedTrade } from '../core/engine/events.ts';
import { isoUtc } from '../core/market/timeframe.ts';

export interface ParityMismatch {
  index: number;
  field: string;
  backtest: unknown;
  replay: unknown;
}

export interface ParityVerdict {
  equal: boolean;
  backtestTrades: number;
  replayTrades: number;
  mismatches: ParityMismatch[];
}

const FIELDS = ['entryTime', 'exitTime', 'side', 'qty', 'entryPrice', 'exitPrice', 'fees', 'funding', 'pnl', 'reason'] as const;

/** Trade-by-trade diff (entry/exit time, side, qty, prices, fees, funding, P&L, reason): exact equality. */
export function diffTrades(backtest: readonly ClosedTrade[], replay: readonly ClosedTrade[], max = 20): ParityVerdict {
  const mismatches: ParityMismatch[] = [];
  const n = Math.max(backtest.length, replay.length);
  for (let i = 0; i < n && mismatches.length < max; i++) {
    const a = backtest[i];
    const b = replay[i];
    if (!a || !b) {
      mismatches.push({ index: i, field: 'trade', backtest: a ? describe(a) : null, replay: b ? describe(b) : null });
      continue;
    }
    for (const f of FIELDS) if (a[f] !== b[f]) mismatches.push({ index: i, field: f, backtest: a[f], replay: b[f] });
  }
  return { equal: mismatches.length === 0 && backtest.length === replay.length, backtestTrades: backtest.length, replayTrades: replay.length, mismatches };
}

function describe(t: ClosedTrade): string {
  return `${t.side === 1 ? 'long' : 'short'} ${t.qty} ${isoUtc(t.entryTime)} -> ${isoUtc(t.exitTime)} ${t.reason}`;
}

export function formatParity(v: ParityVerdict): string {
  if (v.equal) return `PARITY OK: replay = backtest, ${v.replayTrades} trades identical (times, sides, quantities, prices, fees, funding, P&L, reasons)`;
  const lines = [`PARITY FAILED: backtest ${v.backtestTrades} trades, replay ${v.replayTrades}; first differences:`];
  for (const m of v.mismatches.slice(0, 10)) lines.push(`  trade ${m.index} ${m.field}: backtest ${JSON.stringify(m.backtest)} vs replay ${JSON.stringify(m.replay)}`);
  return lines.join('\n');
}
