import { deflatedSharpeRatio, overfittingVerdict, periodSharpe, probabilityOfBacktestOverfitting, type DsrResult, type PboResult } from './overfitting.ts';
import { ROW_METRICS, type RowMetric, type SweepRow } from './evaluate.ts';
import { comboValues, type Grid } from './grid.ts';

/** `--metric` names (snake_case, as a quant types them) -> row metric; all are "higher is better". */
export const SWEEP_METRICS: Record<string, RowMetric> = {
  sharpe: 'sharpe',
  net_pnl: 'netPnl',
  return_pct: 'returnPct',
  profit_factor: 'profitFactor',
  win_rate: 'winRate',
  avg_trade_pnl: 'avgTradePnl',
};

export interface SweepSummary {
  metric: string;
  best: { index: number; params: Record<string, number>; metrics: SweepRow['metrics'] };
  top: Array<{ index: number; params: Record<string, number>; value: number | null }>;
  pbo: PboResult | null;
  pboSkipped: string | null;
  dsr: DsrResult;
  verdict: string;
  /** The metric over the first two varied axes (max over the others), for the heatmap. */
  heatmap: { x: { key: string; values: number[] }; y: { key: string; values: number[] } | null; cells: Array<Array<number | null>> };
}

const score = (v: number | null): number => (v === null || !Number.isFinite(v) ? -Infinity : v);

export function paramsOf(g: Grid, index: number): Record<string, number> {
  const v = comboValues(g, index);
  return Object.fromEntries(g.axes.map((a, k) => [a.key, v[k]!]));
}

/** Index of the best row by the metric (ties: the lowest index). */
export function bestIndex(rows: readonly SweepRow[], metric: RowMetric): number {
  let best = 0;
  for (let i = 1; i < rows.length; i++) if (score(rows[i]!.metrics[metric]) > score(rows[best]!.metrics[metric])) best = i;
  return best;
}

/** Best row by the metric (ties: the lowest index), PBO over the daily returns, DSR of the best, heatmap cells. */
export function summarizeSweep(g: Grid, rows: readonly SweepRow[], metricName: string, blocks = 16): SweepSummary {
  const metric = SWEEP_METRICS[metricName];
  if (!metric) throw new Error(`--metric ${metricName}: expected one of ${Object.keys(SWEEP_METRICS).join(', ')}`);
  const best = bestIndex(rows, metric);
  const order = rows.map((_, i) => i).sort((a, b) => score(rows[b]!.metrics[metric]) - score(rows[a]!.metrics[metric]) || a - b);
  const daily = rows.map((r) => r.daily);
  let pbo: PboResult | null = null;
  let pboSkipped: string | null = null;
  if (rows.length < 2) pboSkipped = 'one combination: nothing to choose between';
  else if (Math.min(...daily.map((d) => d.length)) < 2 * blocks) pboSkipped = `${Math.min(...daily.map((d) => d.length))} days are too few for ${blocks} blocks`;
  else pbo = probabilityOfBacktestOverfitting(daily, blocks);
  const dsr = deflatedSharpeRatio(rows[best]!.daily, daily.map(periodSharpe));
  const varied = g.axes.map((a, k) => ({ a, k })).filter(({ a }) => a.values.length > 1);
  const [xa, ya] = [varied[0] ?? { a: g.axes[0]!, k: 0 }, varied[1] ?? null];
  const cells: Array<Array<number | null>> = Array.from({ length: ya ? ya.a.values.length : 1 }, () => xa.a.values.map(() => null));
  rows.forEach((r, i) => {
    const v = comboValues(g, i);
    const x = xa.a.values.indexOf(v[xa.k]!);
    const y = ya ? ya.a.values.indexOf(v[ya.k]!) : 0;
    const m = r.metrics[metric];
    if (m !== null && Number.isFinite(m) && (cells[y]![x] === null || m > cells[y]![x]!)) cells[y]![x] = m;
  });
  return {
    metric: metricName,
    best: { index: best, params: paramsOf(g, best), metrics: rows[best]!.metrics },
    top: order.slice(0, 20).map((i) => ({ index: i, params: paramsOf(g, i), value: rows[i]!.metrics[metric] })),
    pbo,
    pboSkipped,
    dsr,
    verdict: overfittingVerdict(pbo, dsr),
    heatmap: { x: { key: xa.a.key, values: xa.a.values }, y: ya ? { key: ya.a.key, values: ya.a.values } : null, cells },
  };
}

/** results.csv: one row per combination, grid order: index, the swept values, every metric. */
export function resultsCsv(g: Grid, rows: readonly SweepRow[]): string {
  const head = ['index', ...g.axes.map((a) => a.key), ...ROW_METRICS].join(',');
  const lines = rows.map((r, i) => [i, ...comboValues(g, i), ...ROW_METRICS.map((k) => (r.metrics[k] === null ? '' : String(r.metrics[k])))].join(','));
  return [head, ...lines].join('\n') + '\n';
}
