import { clientOrderId } from '../core/engine/clientOrderId.ts';
import type { AuditRecord } from '../core/engine/events.ts';
import { barOpenAt, timeframeMs } from '../core/market/timeframe.ts';
import type { KillSwitchMode } from '../core/types.ts';
import { appendAudit } from './appendAudit.ts';
import type { BarCloseDeps } from './runBarClose.ts';

export interface FlattenOutcome {
  mode: KillSwitchMode;
  closed: Array<{ symbol: string; qty: number; clientOrderId: string; result: string }>;
  canceled: string[];
}

/**
 * The SSM halt parameter changed (DESIGN section 2 step 2). On `flatten`: cancel every protective
 * and entry order and close every position at market now, not at the next bar; the fills are
 * reconciled into the engine state at the next bar close (reason `flatten`). Always audited.
 */
export async function flattenOnHalt(d: BarCloseDeps, requestId: string): Promise<FlattenOutcome> {
  let mode: KillSwitchMode;
  const audit: AuditRecord[] = [];
  const now = d.clock.now();
  try {
    mode = await d.killSwitch.read();
  } catch (err) {
    mode = 'halt';
    audit.push({ type: 'error', time: now, step: 'kill_switch', message: (err as Error).message, treatedAs: 'halt' });
  }
  const out: FlattenOutcome = { mode, closed: [], canceled: [] };
  audit.push({ type: 'halt_changed', time: now, mode, requestId });
  if (mode === 'flatten') {
    const iv = timeframeMs(d.cfg.timeframe);
    const forming = barOpenAt(now, iv);
    const positions = await d.exchange.positions(d.cfg.symbols);
    for (const symbol of d.cfg.symbols) {
      for (const o of await d.exchange.openOrders(symbol)) {
        if ((await d.exchange.cancel(symbol, o.clientOrderId)) === 'canceled') out.canceled.push(o.clientOrderId);
      }
      const p = positions.find((x) => x.symbol === symbol);
      if (!p || p.qty === 0) continue;
      const id = clientOrderId(d.cfg.stage.name, symbol, forming, 'fl');
      const existing = await d.exchange.findOrder(symbol, id);
      const r = existing ? { kind: 'ok' as const } : await d.exchange.placeMarket(symbol, p.qty > 0 ? 'sell' : 'buy', Math.abs(p.qty), id, true);
      out.closed.push({ symbol, qty: p.qty, clientOrderId: id, result: r.kind });
      audit.push({ type: 'flatten_order', time: now, symbol, qty: p.qty, clientOrderId: id, result: r.kind });
    }
  }
  await d.notifier.notify({
    severity: mode === 'off' ? 'info' : 'critical',
    subject: `kill switch is now ${mode}`,
    text: mode === 'flatten' ? `closed ${out.closed.map((c) => `${c.symbol} ${c.qty}`).join(', ') || 'nothing (flat)'}; canceled ${out.canceled.length} order(s)` : `entries ${mode === 'off' ? 'allowed' : 'blocked'}; stops kept`,
  });
  d.metrics.put('HaltChanged', 1, 'Count');
  await appendAudit(d.store, audit, now);
  return out;
}
