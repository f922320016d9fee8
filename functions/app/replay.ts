import type { AppConfig } from '../../config/schema.ts';
import { SimExchange } from '../adapters/local/simExchange.ts';
import { VirtualClock } from '../adapters/local/clocks.ts';
import type { ClosedTrade, StepSink } from '../core/engine/events.ts';
import { exitAllAtEnd } from '../core/engine/runBacktest.ts';
import { barAt, type BarSeries } from '../core/market/bar.ts';
import { isoUtc } from '../core/market/timeframe.ts';
import { makeBarCloseHandler } from '../handlers/bar-close.ts';
import type { KillSwitch } from '../ports/killSwitch.ts';
import { RecordingMetrics } from '../ports/metrics.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { StateStore } from '../ports/stateStore.ts';
import type { BarCloseOutcome } from './runBarClose.ts';

export interface ReplayOptions {
  cfg: AppConfig;
  configHash: string;
  codeVersion: string;
  series: BarSeries;
  store: StateStore;
  killSwitch: KillSwitch;
  notifier: Notifier;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface ReplayResult {
  trades: ClosedTrade[];
  outcomes: BarCloseOutcome[];
  /** Wall-clock ms per invocation (the handler's own compute + I/O against the local peers). */
  wallMs: number[];
  metrics: RecordingMetrics;
  rejected: BarCloseOutcome['rejected'];
}

/**
 * The local replay (DESIGN section 8): the real bar-close handler, invoked once per bar with the
 * EventBridge event it would get on AWS (one minute before the close), on a virtual clock, against
 * the local StateStore and an exchange that matches with core/fills.
 */
export async function replay(o: ReplayOptions): Promise<ReplayResult> {
  const s = o.series;
  const iv = s.intervalMs;
  const clock = new VirtualClock(s.openTime[0]!);
  const exchange = new SimExchange([s], o.cfg.markets, o.cfg.costs, clock, o.cfg.capital_usd);
  const metrics = new RecordingMetrics();
  const handler = makeBarCloseHandler(async () => ({
    cfg: o.cfg,
    configHash: o.configHash,
    codeVersion: o.codeVersion,
    store: o.store,
    exchange,
    killSwitch: o.killSwitch,
    clock,
    notifier: o.notifier,
    metrics,
    settleMs: 1_000,
    pollMs: 1_000,
  }));
  const trades: ClosedTrade[] = [];
  const outcomes: BarCloseOutcome[] = [];
  const wallMs: number[] = [];
  const rejected: BarCloseOutcome['rejected'] = [];
  for (let i = 0; i < s.length; i++) {
    const close = s.openTime[i]! + iv;
    const eventTime = close - 60_000;
    if (clock.now() < eventTime) clock.set(eventTime);
    const event = { version: '0', id: `replay-${i}`, 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', time: isoUtc(eventTime).replace('.000Z', 'Z'), region: 'local', resources: ['arn:aws:events:local:000000000000:rule/mft-local-bar-close'], detail: {} };
    const t0 = performance.now();
    const r = await handler(event, { awsRequestId: `replay-${i}` });
    wallMs.push(performance.now() - t0);
    if (!r.ok) throw new Error(`replay: handler rejected the scheduled event: ${r.error} ${r.issues?.join('; ') ?? ''}`);
    const out = r.outcome as BarCloseOutcome;
    outcomes.push(out);
    trades.push(...out.trades);
    rejected.push(...out.rejected);
    if (o.onProgress && (i & 255) === 0) o.onProgress(i, s.length);
  }
  // End of data: what is still open closes at the last close by the spec's rule (as in the backtest).
  const stored = await o.store.load();
  if (stored) {
    const sink: StepSink = { verbose: false, audit: () => undefined, intent: () => undefined, trade: (t) => trades.push(t), rejection: () => undefined };
    const ctx = { cfg: o.cfg, intervalMs: iv, stage: o.cfg.stage.name, markets: o.cfg.markets, killSwitch: 'off' as const, decisionAgeMs: null, fundingRate: () => o.cfg.costs.funding_rate_8h, onGap: 'throw' as const };
    exitAllAtEnd(stored.state, [barAt(s, s.length - 1)], ctx, sink);
  }
  o.onProgress?.(s.length, s.length);
  return { trades, outcomes, wallMs, metrics, rejected };
}
