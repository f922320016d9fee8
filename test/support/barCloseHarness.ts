import { parseConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { VirtualClock } from '../../functions/adapters/local/clocks.ts';
import { FileKillSwitch } from '../../functions/adapters/local/fileKillSwitch.ts';
import { MemoryStateStore } from '../../functions/adapters/local/memoryStateStore.ts';
import { SimExchange } from '../../functions/adapters/local/simExchange.ts';
import type { BarCloseDeps, BarCloseOutcome } from '../../functions/app/runBarClose.ts';
import type { ClosedTrade } from '../../functions/core/engine/events.ts';
import type { BarSeries } from '../../functions/core/market/bar.ts';
import { isoUtc } from '../../functions/core/market/timeframe.ts';
import { makeBarCloseHandler } from '../../functions/handlers/bar-close.ts';
import { RecordingMetrics } from '../../functions/ports/metrics.ts';
import type { Exchange } from '../../functions/ports/exchange.ts';
import type { Notice } from '../../functions/ports/notifier.ts';
import type { StateStore } from '../../functions/ports/stateStore.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const scheduled = (eventTime: number) => ({
  version: '0',
  id: `ev-${eventTime}`,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: isoUtc(eventTime).replace('.000Z', 'Z'),
  region: 'local',
  resources: [],
  detail: {},
});

/** The bar-close handler over a series, stepped by hand (for crash, duplicate and kill-switch tests). */
export class Harness {
  readonly clock: VirtualClock;
  readonly exchange: Exchange;
  readonly store: StateStore;
  readonly killSwitch: FileKillSwitch;
  readonly notices: Notice[] = [];
  readonly metrics = new RecordingMetrics();
  readonly trades: ClosedTrade[] = [];
  readonly cfg: AppConfig;
  private handler: ReturnType<typeof makeBarCloseHandler>;

  constructor(
    readonly series: BarSeries,
    cfg?: AppConfig,
    store?: StateStore,
    /** Another Exchange on the harness clock (e.g. ccxt against the emulator); default SimExchange. */
    exchange?: (clock: VirtualClock, cfg: AppConfig) => Exchange,
    /** The clock an external exchange (emulator) already runs on; default a new one at the first bar. */
    clock?: VirtualClock,
  ) {
    this.cfg = cfg ?? parseConfig({}).config;
    this.clock = clock ?? new VirtualClock(series.openTime[0]!);
    this.exchange = exchange ? exchange(this.clock, this.cfg) : new SimExchange([series], this.cfg.markets, this.cfg.costs, this.clock, this.cfg.capital_usd);
    this.store = store ?? new MemoryStateStore();
    this.killSwitch = new FileKillSwitch(join(mkdtempSync(join(tmpdir(), 'ks-')), 'halt'));
    this.handler = this.newContainer();
  }

  deps(over: Partial<BarCloseDeps> = {}): BarCloseDeps {
    return { cfg: this.cfg, configHash: 'h', codeVersion: 'test', store: this.store, exchange: this.exchange, killSwitch: this.killSwitch, clock: this.clock, notifier: { notify: async (n) => void this.notices.push(n) }, metrics: this.metrics, ...over };
  }

  /** A new Lambda container (deps built anew, nothing cached). */
  newContainer(over: Partial<BarCloseDeps> = {}): ReturnType<typeof makeBarCloseHandler> {
    this.handler = makeBarCloseHandler(async () => this.deps(over));
    return this.handler;
  }

  eventTime(i: number): number {
    return this.series.openTime[i]! + this.series.intervalMs - 60_000;
  }

  /** Invoke for bar i (the scheduled event one minute before its close). */
  async bar(i: number, handler = this.handler): Promise<BarCloseOutcome> {
    const t = this.eventTime(i);
    if (this.clock.now() < t) this.clock.set(t);
    const r = await handler(scheduled(t), { awsRequestId: `req-${i}-${this.clock.now()}` });
    if (!r.ok) throw new Error(r.error);
    const o = r.outcome as BarCloseOutcome;
    if (o.kind === 'decided') this.trades.push(...o.trades);
    return o;
  }

  async run(from: number, to: number): Promise<void> {
    for (let i = from; i < to; i++) await this.bar(i);
  }
}
