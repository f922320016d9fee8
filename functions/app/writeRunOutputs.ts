import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditRecord, ClosedTrade } from '../core/engine/events.ts';
import { equityCsv, tradesCsv } from '../core/report/tradesCsv.ts';
import { chainRecords } from './auditChain.ts';

export interface RunOutputs {
  trades: readonly ClosedTrade[];
  times: ArrayLike<number>;
  equity: ArrayLike<number>;
  audit: readonly AuditRecord[];
  summary: unknown;
}

/** Writes trades.csv, summary.json, equity.csv and a hash-chained audit.jsonl into `dir`. */
export function writeRunOutputs(dir: string, o: RunOutputs): string[] {
  mkdirSync(dir, { recursive: true });
  const files = {
    'trades.csv': tradesCsv(o.trades),
    'summary.json': JSON.stringify(o.summary, null, 2) + '\n',
    'equity.csv': equityCsv(o.times, o.equity),
    'audit.jsonl': chainRecords(o.audit).map((c) => JSON.stringify(c)).join('\n') + '\n',
  };
  const written: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    writeFileSync(p, text);
    written.push(p);
  }
  return written;
}
