import type { AppConfig } from '../config/schema.ts';
import { createStateTable } from '../functions/adapters/aws/createStateTable.ts';
import { DynamoStateStore } from '../functions/adapters/aws/dynamoStateStore.ts';
import { startDynalite } from '../functions/adapters/local/dynalite.ts';
import { FileKillSwitch } from '../functions/adapters/local/fileKillSwitch.ts';
import { MemoryStateStore } from '../functions/adapters/local/memoryStateStore.ts';
import { replay } from '../functions/app/replay.ts';
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
  p50Ms: number;
  p99Ms: number;
  barsPerMinute: number;
}

async function one(cfg: AppConfig, series: BarSeries, store: StateStore, exchange: 'sim' | 'emulator'): Promise<ReplayBench> {
  const t0 = performance.now();
  const r = await replay({ cfg, configHash: 'bench', codeVersion: 'bench', series, store, killSwitch: new FileKillSwitch(join(tmpdir(), 'mft-bench-nohalt')), notifier: { notify: async () => undefined }, exchange });
  const ms = performance.now() - t0;
  const warm = r.wallMs.slice(100); // after JIT warm-up
  return { bars: series.length, p50Ms: pct(warm, 0.5), p99Ms: pct(warm, 0.99), barsPerMinute: (series.length / ms) * 60_000 };
}

/**
 * - compute: warm handler compute without I/O (in-memory store, in-process SimExchange);
 * - emulator: the exchange through HTTP + unmodified ccxt (in-memory store): the emulator's replay throughput;
 * - dynalite: the whole stack of `npm start` (dynalite on disk + emulator + ccxt).
 */
export async function replayBench(cfg: AppConfig, series: BarSeries): Promise<{ compute: ReplayBench; emulator: ReplayBench; dynalite: ReplayBench }> {
  const compute = await one(cfg, series, new MemoryStateStore(), 'sim');
  const emulator = await one(cfg, series, new MemoryStateStore(), 'emulator');
  const dir = mkdtempSync(join(tmpdir(), 'mft-bench-dynamo-'));
  const db = await startDynalite(dir);
  try {
    await createStateTable(db.client, 'mft-bench');
    const dynalite = await one(cfg, series, new DynamoStateStore(db.client, 'mft-bench', 'bench'), 'emulator');
    return { compute, emulator, dynalite };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
