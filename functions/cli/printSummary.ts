import type { Metrics } from '../core/report/metrics.ts';

const usd = (x: number): string => (x < 0 ? '-' : '') + '$' + Math.abs(x).toFixed(2);
const pct = (x: number): string => x.toFixed(2) + '%';

/** Human summary table of a run (trades, P&L, risk, by regime, gate rejections). */
export function formatSummary(title: string, m: Metrics, extra: Record<string, string> = {}): string {
  const rows: Array<[string, string]> = [
    ['trades', `${m.trades} (${m.longTrades} long / ${m.shortTrades} short)`],
    ['win rate', pct(m.winRate * 100)],
    ['net P&L', `${usd(m.netPnl)} (${pct(m.returnPct)})`],
    ['gross P&L', usd(m.grossPnl)],
    ['fees', usd(m.fees)],
    ['funding', usd(m.funding)],
    ['final equity', usd(m.finalEquity)],
    ['max drawdown', `${usd(m.maxDrawdownUsd)} (${pct(m.maxDrawdownPct)})`],
    ['Sharpe (daily, ann.)', m.sharpe.toFixed(2)],
    ['profit factor', m.profitFactor === null ? 'n/a' : m.profitFactor.toFixed(2)],
    ['exposure time', pct(m.exposurePct)],
    ['bars / days', `${m.bars} / ${m.days}`],
    ['exit reasons', Object.entries(m.exitReasons).map(([k, v]) => `${k} ${v}`).join(', ') || '-'],
    ...Object.entries(extra),
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const out = [title, '-'.repeat(Math.max(title.length, 40))];
  for (const [k, v] of rows) out.push(`${k.padEnd(w)}  ${v}`);
  out.push('', 'P&L by regime (signal bar)');
  const regimes = Object.entries(m.pnlByRegime);
  if (regimes.length === 0) out.push('  (no trades)');
  for (const [r, s] of regimes) out.push(`  ${r.padEnd(11)} trades ${String(s.trades).padStart(5)}  win ${pct(s.trades ? (s.wins / s.trades) * 100 : 0).padStart(7)}  P&L ${usd(s.pnl)}`);
  out.push('', 'Gate rejections by rule');
  const rej = Object.entries(m.gateRejections).filter(([, v]) => v > 0);
  if (rej.length === 0) out.push('  (none)');
  for (const [r, v] of rej) out.push(`  ${r.padEnd(26)} ${v}`);
  return out.join('\n');
}
