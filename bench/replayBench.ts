import type { AppConfig } from '../config/schema.ts';
import { createStateTable } from '../functions/adapters/aws/createStateTable.ts';
import { DynamoStateStore } from '../functions/adapters/aws/dynamoStateStore.ts';
import { startDynalite } from '../functions/adapters/local/dynalite.ts';
import { FileKillSwitch } from '../functions/adapters/local/fileKillSwitch.ts';
import { MemoryStateStore } from '../functions/adapters/local/memoryStateStore.ts';
import { killSwitchModes, replay } from '../functions/app/replay.ts';
import type { BarSeries } from '../functions/core/market/bar.ts';
import type { StateStore } from '../functions/ports/stateStore.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pct = (xs: number[], q: number): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

export interface ReplayBench {
  bars: number;
  /** Closed trades of the replay: the three runs must agree (the same bot, three stacks). */
  trades: number;
  /** Bars decided with the kill switch not off: must be 0, or the figure is a halted bot's. */
  haltedBars: number;
  p50Ms: number;
  p99Ms: number;
  barsPerMinute: number;
}

/** The bench's replay did not run as a trading bot would: its speed would not be the bot's. */
export class ReplayBenchError extends Error {
  override readonly name = 'ReplayBenchError';
}

async function one(cfg: AppConfig, series: BarSeries, store: StateStore, exchange: 'sim' | 'emulator', killSwitchFile: string): Promise<ReplayBench> {
  const killSwitch = new FileKillSwitch(killSwitchFile);
  const t0 = performance.now();
  const r = await replay({ cfg, configHash: 'bench', codeVersion: 'bench', series, store, killSwitch, notifier: { notify: async () => undefined }, exchange });
  const ms = performance.now() - t0;
  const warm = r.wallMs.slice(100); // after JIT warm-up
  const modes = killSwitchModes(r.outcomes);
  const haltedBars = modes.halt + modes.flatten;
  return { bars: series.length, trades: r.trades.length, haltedBars, p50Ms: pct(warm, 0.5), p99Ms: pct(warm, 0.99), barsPerMinute: (series.length / ms) * 60_000 };
}

/**
 * - compute: warm handler compute without I/O (in-memory store, in-process SimExchange);
 * - emulator: the exchange through HTTP + unmodified ccxt (in-memory store): the emulator's replay throughput;
 * - dynalite: the whole stack of `npm start` (dynalite on disk + emulator + ccxt).
 */
export async function replayBench(cfg: AppConfig, series: BarSeries): Promise<{ compute: ReplayBench; emulator: ReplayBench; dynalite: ReplayBench }> {
  // Each run its own kill switch file (absent = off) in this bench's fresh directory: one shared path
  // kept the `halt` that a reconcile mismatch writes, and every later bench replayed a halted bot.
  const dir = mkdtempSync(join(tmpdir(), 'mft-bench-replay-'));
  try {
    const compute = await one(cfg, series, new MemoryStateStore(), 'sim', join(dir, 'halt-compute'));
    const emulator = await one(cfg, series, new MemoryStateStore(), 'emulator', join(dir, 'halt-emulator'));
    const db = await startDynalite(join(dir, 'dynamo'));
    let dynalite: ReplayBench;
    try {
      await createStateTable(db.client, 'mft-bench');
      dynalite = await one(cfg, series, new DynamoStateStore(db.client, 'mft-bench', 'bench'), 'emulator', join(dir, 'halt-dynalite'));
    } finally {
      await db.close();
    }
    const runs = { compute, emulator, dynalite };
    for (const [name, r] of Object.entries(runs)) {
      if (r.haltedBars > 0) throw new ReplayBenchError(`replay bench (${name}): ${r.haltedBars} of ${r.bars} bars decided with the kill switch on; a halted bot's speed is not the bot's`);
      if (r.trades !== compute.trades) throw new ReplayBenchError(`replay bench (${name}): ${r.trades} trades, the in-process replay ${compute.trades}: the stacks disagree`);
    }
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
