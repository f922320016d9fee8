import type { AppConfig } from '../../config/schema.ts';
import { CcxtExchange } from '../adapters/binance/ccxtExchange.ts';
import { createBinanceClient } from '../adapters/binance/createBinanceClient.ts';
import { StartupRefusedError, startupChecks } from '../adapters/binance/startupChecks.ts';
import { SimExchange } from '../adapters/local/simExchange.ts';
import { createVenue } from '../emulator/createVenue.ts';
import type { Venue, VenueSnapshot } from '../emulator/venue.ts';
import { parseFaults } from '../emulator/faults.ts';
import { startEmulator } from '../emulator/server.ts';
import type { Exchange } from '../ports/exchange.ts';
import { VirtualClock } from '../adapters/local/clocks.ts';
import type { ClosedTrade, StepSink } from '../core/engine/events.ts';
import { exitAllAtEnd } from '../core/engine/runBacktest.ts';
import { barAt, type BarSeries } from '../core/market/bar.ts';
import { isoUtc } from '../core/market/timeframe.ts';
import type { KillSwitchMode } from '../core/types.ts';
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
  /**
   * `emulator` (default, DESIGN section 8): our Binance USD-M emulator over HTTP, driven by unmodified
   * ccxt through the production adapter, start-up checks included. `sim`: the same Venue in process,
   * no HTTP (faster; what the crash tests use).
   */
  exchange?: 'emulator' | 'sim' | undefined;
  /** Emulator fault spec (functions/emulator/faults.ts), e.g. `timeout@POST:/fapi/v1/order%0.05`. */
  faults?: string | undefined;
  seed?: number | undefined;
  /**
   * The market the exchange serves (default `series`): it may run past the last bar invoked, as the
   * real market goes on after the bot stops, so an order sent at the last bar's close fills at the
   * next open and a resumed run finds it there. Must start with `series`.
   */
  market?: BarSeries | undefined;
  /** Resume: the first bar to invoke and the exchange book saved when the earlier run stopped. */
  startIndex?: number | undefined;
  venue?: VenueSnapshot | undefined;
  /** Stop after the current bar (Ctrl-C): the run can be resumed. */
  signal?: AbortSignal | undefined;
}

export interface ReplayExchangeStats {
  kind: 'emulator' | 'sim';
  /** HTTP requests the bot made (emulator only), by status. */
  requests: number;
  byStatus: Record<string, number>;
  /** Requests by `METHOD /path` (what each bar costs in API calls). */
  byPath: Record<string, number>;
  faults: string;
  /** Orders the exchange holds, and client order ids it accepted more than once (must be none). */
  orders: number;
  duplicates: string[];
}

export interface ReplayResult {
  trades: ClosedTrade[];
  outcomes: BarCloseOutcome[];
  /** Wall-clock ms per invocation (the handler's own compute + I/O against the local peers). */
  wallMs: number[];
  metrics: RecordingMetrics;
  rejected: BarCloseOutcome['rejected'];
  exchange: ReplayExchangeStats;
  /** Index of the last bar invoked (series.length - 1 unless stopped by the signal). */
  lastIndex: number;
  /** Positions still open after the last bar, closed at its close by the spec's end rule (not traded). */
  endTrades: ClosedTrade[];
  /** The exchange book after the last bar, to resume from. */
  venue: VenueSnapshot;
}

/**
 * How many bars were decided with each kill-switch mode. Decided bars only: a duplicate, a missing
 * or a bad kline returns before the switch is read (its outcome keeps the fail-closed default).
 */
export function killSwitchModes(outcomes: readonly BarCloseOutcome[]): Record<KillSwitchMode, number> {
  const modes: Record<KillSwitchMode, number> = { off: 0, halt: 0, flatten: 0 };
  for (const o of outcomes) if (o.kind === 'decided') modes[o.killSwitch]++;
  return modes;
}

const KEY = 'mft-local-key';
const SECRET = 'mft-local-secret';

/** The exchange of a replay, on the replay's clock. */
async function openExchange(o: ReplayOptions, clock: VirtualClock): Promise<{ exchange: Exchange; venue: Venue; stats: () => ReplayExchangeStats; close: () => Promise<void> }> {
  const s = o.market ?? o.series;
  if (s.length < o.series.length || s.openTime[0] !== o.series.openTime[0] || s.symbol !== o.series.symbol) throw new Error('replay: the market must start with the bars replayed');
  if ((o.exchange ?? 'emulator') === 'sim') {
    if (o.faults) throw new Error('replay: --faults needs the emulator exchange');
    const exchange = new SimExchange([s], o.cfg.markets, o.cfg.costs, clock, o.cfg.capital_usd);
    if (o.venue) exchange.venue.restore(o.venue);
    return { exchange, venue: exchange.venue, stats: () => ({ kind: 'sim', requests: 0, byStatus: {}, byPath: {}, faults: '', orders: 0, duplicates: [] }), close: async () => undefined };
  }
  const rules = o.faults ? parseFaults(o.faults) : [];
  if (rules.some((r) => r.action === 'skew')) {
    // ccxt signs with the wall clock while a replay's market runs on a virtual one: a -1021 resync
    // would measure the distance between the two. Skew belongs to a real-time emulator.
    throw new Error("replay: 'skew' faults need a real-time emulator (`mft emulator --speed 1`), not a replay's virtual clock");
  }
  const venue = createVenue({ series: [s], markets: o.cfg.markets, costs: o.cfg.costs, clock, accounts: [{ key: KEY, secret: SECRET, balance: o.cfg.capital_usd }] });
  if (o.venue) venue.restore(o.venue);
  const emu = await startEmulator({ venue, faults: rules, seed: o.seed ?? 1 });
  const ccxt = createBinanceClient({ mode: 'emulator', apiKey: KEY, secret: SECRET, emulator: emu, timeoutMs: 5_000 });
  const exchange = new CcxtExchange(ccxt, { clock, backoffMs: 50 });
  const stats = (): ReplayExchangeStats => {
    const byStatus: Record<string, number> = {};
    const byPath: Record<string, number> = {};
    for (const r of emu.requests) {
      byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
      byPath[`${r.method} ${r.path}`] = (byPath[`${r.method} ${r.path}`] ?? 0) + 1;
    }
    // our own orders (MARKET entries/exits) and algo orders; a triggered algo's child order carries
    // the algo's id and is not a second order of ours
    const acct = venue.accounts.get(KEY)!;
    const ids = [...acct.orders.filter((x) => x.origType === 'MARKET').map((x) => x.clientOrderId), ...acct.algos.map((x) => x.clientAlgoId)];
    const seen = new Set<string>();
    const duplicates = [...new Set(ids.filter((id) => seen.size === seen.add(id).size))];
    return { kind: 'emulator', requests: emu.requests.length, byStatus, byPath, faults: o.faults ?? '', orders: ids.length, duplicates };
  };
  return { exchange, venue, stats, close: () => emu.close() };
}

/**
 * The local replay (DESIGN section 8): the real bar-close handler, invoked once per bar with the
 * EventBridge event it would get on AWS (one minute before the close), on a virtual clock, against
 * the local StateStore and an exchange that matches with core/fills.
 */
export async function replay(o: ReplayOptions): Promise<ReplayResult> {
  const clock = new VirtualClock(o.series.openTime[o.startIndex ?? 0]!);
  const ex = await openExchange(o, clock);
  try {
    return await run(o, clock, ex.exchange, ex.venue, ex.stats);
  } finally {
    await ex.close();
  }
}

async function run(o: ReplayOptions, clock: VirtualClock, exchange: Exchange, venue: Venue, stats: () => ReplayExchangeStats): Promise<ReplayResult> {
  const s = o.series;
  const iv = s.intervalMs;
  if (exchange instanceof CcxtExchange) {
    // what the Lambda does before its first trade (functions/wiring/awsDeps.ts)
    const checks = await startupChecks(exchange, o.cfg, clock);
    if (checks.kind === 'refused') throw new StartupRefusedError(o.cfg.stage.name, checks.problems);
  }
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
  let lastIndex = (o.startIndex ?? 0) - 1;
  for (let i = o.startIndex ?? 0; i < s.length; i++) {
    if (o.signal?.aborted) break;
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
    lastIndex = i;
    if (o.onProgress && (i & 255) === 0) o.onProgress(i, s.length);
  }
  // End of the bars run: what is still open closes at the last close by the spec's rule (as in the
  // backtest). Reported, not traded: the stored state keeps the position for a resumed run.
  const endTrades: ClosedTrade[] = [];
  const stored = await o.store.load();
  if (stored && lastIndex >= 0) {
    const sink: StepSink = { verbose: false, audit: () => undefined, intent: () => undefined, trade: (t) => endTrades.push(t), rejection: () => undefined };
    const ctx = { cfg: o.cfg, intervalMs: iv, stage: o.cfg.stage.name, markets: o.cfg.markets, killSwitch: 'off' as const, decisionAgeMs: null, fundingRate: () => o.cfg.costs.funding_rate_8h, onGap: 'throw' as const };
    exitAllAtEnd(stored.state, [barAt(s, lastIndex)], ctx, sink); // a fresh load: nothing is written back
  }
  trades.push(...endTrades);
  o.onProgress?.(lastIndex + 1, s.length);
  return { trades, outcomes, wallMs, metrics, rejected, exchange: stats(), lastIndex, endTrades, venue: venue.snapshot() };
}
