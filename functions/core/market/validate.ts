import type { BarSeries } from './bar.ts';
import { isoUtc } from './timeframe.ts';

export type ProblemKind =
  | 'gap'
  | 'duplicate'
  | 'unsorted'
  | 'misaligned'
  | 'ohlc_inconsistent'
  | 'bad_price'
  | 'bad_volume'
  | 'zero_volume';

export interface Offender {
  /** 0-based row index in the file's data rows (file line = row + 2). */
  row: number;
  openTime: number;
  detail: string;
}

export interface ProblemSummary {
  kind: ProblemKind;
  severity: 'error' | 'warning';
  count: number;
  first: Offender[];
}

export interface ValidationReport {
  ok: boolean;
  rows: number;
  intervalMs: number;
  firstOpenTime: number | null;
  lastOpenTime: number | null;
  /** Missing bars in total (sum over gaps). */
  missingBars: number;
  problems: ProblemSummary[];
  errors: number;
  warnings: number;
}

const FIRST = 5;
const DESCRIPTIONS: Record<ProblemKind, string> = {
  gap: 'gaps (missing bars)',
  duplicate: 'duplicate open_time',
  unsorted: 'unsorted rows (open_time goes back)',
  misaligned: 'open_time not a multiple of the interval',
  ohlc_inconsistent: 'OHLC inconsistent (low above open/close, high below open/close, or high < low)',
  bad_price: 'non-finite or non-positive prices',
  bad_volume: 'negative or non-finite volume',
  zero_volume: 'zero-volume bars (real: exchange maintenance leaves flat bars)',
};

/**
 * The checks of one bar's prices and volume (the series checks add gaps, order and alignment):
 * shared by `validateCandles` and the bar-close run, which refuses to fold a bad kline.
 */
export function barProblems(o: number, h: number, l: number, c: number, v: number): Array<{ kind: ProblemKind; detail: string }> {
  const out: Array<{ kind: ProblemKind; detail: string }> = [];
  if ([o, h, l, c].some((x) => !Number.isFinite(x) || x <= 0)) out.push({ kind: 'bad_price', detail: `o=${o} h=${h} l=${l} c=${c}` });
  else if (l > Math.min(o, c) || h < Math.max(o, c) || h < l) out.push({ kind: 'ohlc_inconsistent', detail: `o=${o} h=${h} l=${l} c=${c}` });
  if (!Number.isFinite(v) || v < 0) out.push({ kind: 'bad_volume', detail: `volume=${v}` });
  else if (v === 0) out.push({ kind: 'zero_volume', detail: `o=${o} h=${h} l=${l} c=${c}` });
  return out;
}

/**
 * Candle checks before any backtest (issue: candle data). Pure: a report, never a throw.
 * Errors: gaps, duplicates, unsorted, misaligned, OHLC inconsistencies, bad prices/volumes.
 * Warnings: zero-volume bars.
 */
export function validateCandles(s: BarSeries): ValidationReport {
  const iv = s.intervalMs;
  const acc = new Map<ProblemKind, ProblemSummary>();
  const add = (kind: ProblemKind, row: number, detail: string, n = 1): void => {
    let p = acc.get(kind);
    if (!p) acc.set(kind, (p = { kind, severity: kind === 'zero_volume' ? 'warning' : 'error', count: 0, first: [] }));
    p.count += n;
    if (p.first.length < FIRST) p.first.push({ row, openTime: s.openTime[row]!, detail });
  };
  let missing = 0;
  for (let i = 0; i < s.length; i++) {
    const t = s.openTime[i]!;
    const o = s.open[i]!;
    const h = s.high[i]!;
    const l = s.low[i]!;
    const c = s.close[i]!;
    const v = s.volume[i]!;
    if (!Number.isFinite(t) || t % iv !== 0) add('misaligned', i, `open_time ${t}`);
    if (i > 0) {
      const d = t - s.openTime[i - 1]!;
      if (d === 0) add('duplicate', i, `same open_time as row ${i - 1}`);
      else if (d < 0) add('unsorted', i, `open_time ${d / 1000}s before row ${i - 1}`);
      else if (d > iv && Number.isFinite(d)) {
        const gapBars = Math.round(d / iv) - 1;
        missing += gapBars;
        add('gap', i, `${gapBars} bar(s) missing since ${isoUtc(s.openTime[i - 1]!)}`);
      }
    }
    for (const p of barProblems(o, h, l, c, v)) add(p.kind, i, p.detail);
  }
  const order: ProblemKind[] = ['gap', 'duplicate', 'unsorted', 'misaligned', 'ohlc_inconsistent', 'bad_price', 'bad_volume', 'zero_volume'];
  const problems = order.flatMap((k) => (acc.has(k) ? [acc.get(k)!] : []));
  const errors = problems.filter((p) => p.severity === 'error').reduce((a, p) => a + p.count, 0);
  const warnings = problems.filter((p) => p.severity === 'warning').reduce((a, p) => a + p.count, 0);
  return {
    ok: errors === 0,
    rows: s.length,
    intervalMs: iv,
    firstOpenTime: s.length ? s.openTime[0]! : null,
    lastOpenTime: s.length ? s.openTime[s.length - 1]! : null,
    missingBars: missing,
    problems,
    errors,
    warnings,
  };
}

/** Human text: counts, then the first offending rows with ISO times and file line numbers. */
export function formatValidationReport(r: ValidationReport, name = 'data'): string {
  const t = (x: number | null): string => (x === null || !Number.isFinite(x) ? '-' : isoUtc(x));
  const out = [
    `${name}: ${r.rows} rows, ${t(r.firstOpenTime)} .. ${t(r.lastOpenTime)}, interval ${r.intervalMs / 60000}m`,
    r.ok ? `OK: no errors${r.warnings ? `, ${r.warnings} warning(s)` : ''}` : `INVALID: ${r.errors} error(s), ${r.warnings} warning(s)`,
  ];
  for (const p of r.problems) {
    out.push(`${p.severity === 'error' ? 'error  ' : 'warning'} ${DESCRIPTIONS[p.kind]}: ${p.count}${p.kind === 'gap' ? ` (${r.missingBars} bars missing)` : ''}`);
    for (const f of p.first) out.push(`          line ${f.row + 2}  ${t(f.openTime)}  ${f.detail}`);
    if (p.count > p.first.length) out.push(`          ... and ${p.count - p.first.length} more`);
  }
  return out.join('\n');
}
