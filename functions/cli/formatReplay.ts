import { killSwitchSummary, type LocalReplayReport } from '../app/localReplayJob.ts';
import { formatParity } from '../app/parity.ts';
import { formatSummary } from './printSummary.ts';

export function formatReplayReport(title: string, r: LocalReplayReport, extra: Record<string, string>): string {
  const l = r.latency;
  const lines = [
    formatSummary(title, r.metrics, {
      ...extra,
      invocations: r.resumedAt > 0 ? `${r.replay.outcomes.length} this run, resumed at bar ${r.resumedAt} of ${r.bars} (one per bar, real handler; trades and parity cover all runs)` : `${r.replay.outcomes.length} (one per bar, real handler)`,
      'handler wall time': `p50 ${l.wallP50.toFixed(1)} ms, p90 ${l.wallP90.toFixed(1)} ms, p99 ${l.wallP99.toFixed(1)} ms, max ${l.wallMax.toFixed(1)} ms`,
      'replay speed': `${Math.round(l.barsPerMinute)} bars/min (${(r.elapsedMs / 1000).toFixed(1)} s)`,
      exchange:
        r.replay.exchange.kind === 'emulator'
          ? `Binance USD-M emulator via ccxt: ${r.replay.exchange.requests} HTTP requests (${Object.entries(r.replay.exchange.byStatus).map(([k, v]) => `${k === '0' ? 'no reply' : k}: ${v}`).join(', ')})${r.replay.exchange.faults ? `, faults ${r.replay.exchange.faults}` : ''}; ${r.replay.exchange.orders} orders, ${r.replay.exchange.duplicates.length ? `DUPLICATES: ${r.replay.exchange.duplicates.join(' ')}` : 'no duplicate'}`
          : 'in-process simulated exchange',
      'audit records': `${r.auditRecords} (hash-chained in DynamoDB)`,
      'kill switch': killSwitchSummary(r.killSwitch),
    }),
    '',
  ];
  if (r.replay.rejected.length) {
    lines.push('Orders definitively rejected by the exchange:');
    for (const x of r.replay.rejected) lines.push(`  ${x.clientOrderId}: ${x.code} ${x.message}`);
    lines.push('');
  }
  if (!r.complete) lines.push(`stopped after bar ${r.bars} (Ctrl-C): run the same command again to resume; parity below is over the bars replayed so far`);
  const on = r.killSwitch.bars.halt + r.killSwitch.bars.flatten;
  if (on > 0 && !r.parity.equal) lines.push(`the kill switch was on for ${on} bars of this run; the parity backtest trades with it off`);
  lines.push(formatParity(r.parity));
  return lines.join('\n');
}
