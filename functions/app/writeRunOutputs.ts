import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditRecord, ClosedTrade } from '../core/engine/events.ts';
import { equityCsv, tradesCsv } from '../core/report/tradesCsv.ts';
import { chainRecords } from './auditChain.ts';
import { renderHtmlReport, type HtmlReportInput } from './htmlReport.ts';

export interface RunOutputs {
  trades: readonly ClosedTrade[];
  times: ArrayLike<number>;
  equity: ArrayLike<number>;
  audit: readonly AuditRecord[];
  summary: unknown;
  /** When given, `report.html` too (self-contained: charts, trade table, parity diff). */
  report?: Omit<HtmlReportInput, 'trades' | 'audit' | 'times' | 'equity'> | undefined;
}

/** Writes trades.csv, summary.json, equity.csv, a hash-chained audit.jsonl and (with `report`) report.html into `dir`. */
export function writeRunOutputs(dir: string, o: RunOutputs): string[] {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    'trades.csv': tradesCsv(o.trades),
    'summary.json': JSON.stringify(o.summary, null, 2) + '\n',
    'equity.csv': equityCsv(o.times, o.equity),
    'audit.jsonl': chainRecords(o.audit).map((c) => JSON.stringify(c)).join('\n') + '\n',
  };
  if (o.report) files['report.html'] = renderHtmlReport({ ...o.report, trades: o.trades, audit: o.audit, times: o.times, equity: o.equity });
  const written: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    writeFileSync(p, text);
    written.push(p);
  }
  return written;
}
