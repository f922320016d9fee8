import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AppConfig } from '../../../config/schema.ts';
import type { FundingSeries } from '../../adapters/local/candles.ts';
import type { BarSeries } from '../../core/market/bar.ts';
import type { IndicatorTape } from '../../core/indicators/indicatorTape.ts';
import { evaluateConfigs, resolveItems, SweepItemError, TapeShelf, type ResolvedItem, type SweepItem, type SweepRow } from './evaluate.ts';
import { comboOverrides, describeCombo, indicatorGroups, type Grid } from './grid.ts';
import type { FromWorker, ToWorker, WorkerInit } from './sweepWorker.ts';
import { SweepPool } from './sweepPool.ts';

export interface SweepInput {
  base: AppConfig;
  grid: Grid;
  series: BarSeries;
  funding?: FundingSeries | undefined;
  /** Worker threads; 0 runs in this thread (tests, the Lambda item processor). Default: cores. */
  workers?: number;
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Worker threads kept across sweeps (walk-forward); default: started for this sweep and closed. */
  pool?: SweepPool | undefined;
}

export interface SweepResult {
  /** One row per combination, in grid order (whatever the worker count). */
  rows: SweepRow[];
  workers: number;
  elapsedMs: number;
  /** Distinct indicator settings in the grid, and indicator tapes recorded (each shared setting once). */
  indicatorSettings: number;
  tapesRecorded: number;
}

export class SweepError extends Error {
  override readonly name = 'SweepError';
}

/** Column arrays copied once into SharedArrayBuffers: every worker reads the same memory. */
function shareSeries(s: BarSeries): BarSeries {
  const share = (a: Float64Array): Float64Array => {
    const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  return { ...s, openTime: share(s.openTime), open: share(s.open), high: share(s.high), low: share(s.low), close: share(s.close), volume: share(s.volume) };
}


/**
 * Every combination of the grid through the same engine, on worker threads fed in small chunks
 * (dynamic balancing: fast and slow combinations mix). Combinations are dispatched group by group
 * of indicator setting (`indicatorGroups`): the main thread records each group's indicator tape
 * once, into shared memory, and every chunk of that group carries it; a lone combination runs plain.
 * Results are placed by index, so the output is identical for any worker count.
 * With `pool`, its threads run the sweep and stay up for the next one (walk-forward); without, the
 * sweep starts its own and terminates them.
 */
export async function runSweep(i: SweepInput): Promise<SweepResult> {
  const t0 = performance.now();
  const total = i.grid.size;
  const rows = new Array<SweepRow>(total);
  const workers = sweepWorkers(i.pool?.size ?? i.workers, total);
  const { chunks, settings } = plan(i, Math.max(1, workers));
  const shelf = new TapeShelf(1);
  // a chunk's configs, resolved once (a bad one throws SweepItemError naming it)
  const resolved = (c: Chunk): ResolvedItem[] => resolveItems(i.base, itemsOf(i.grid, c.indices));
  // the group's tape, from its first combination's indicator setting (all of the group share it)
  const tapeOf = (items: readonly ResolvedItem[], alloc?: (bytes: number) => ArrayBufferLike): IndicatorTape => shelf.record(i.series, items[0]!.cfg.strategy.params, alloc);
  if (workers === 0) {
    let done = 0;
    for (const c of chunks) {
      let batch: SweepRow[];
      try {
        const items = resolved(c);
        if (c.tape && c.firstOfGroup) tapeOf(items);
        batch = evaluateConfigs(items, i.series, i.funding, shelf);
      } catch (err) {
        throw failedCombination(i.grid, err, c.indices[0]!);
      }
      for (const r of batch) rows[r.index] = r;
      done += c.indices.length;
      i.onProgress?.(done, total);
    }
    return { rows, workers: 0, elapsedMs: performance.now() - t0, indicatorSettings: settings, tapesRecorded: shelf.recorded };
  }
  const init: WorkerInit = { series: shareSeries(i.series), funding: i.funding ?? null };
  let next = 0;
  let done = 0;
  let workerTapes = 0;
  // the tape of the group being dispatched (workers keep theirs until their chunk is done)
  let current: IndicatorTape | null = null;
  const pool = i.pool ?? new SweepPool(workers);
  const threads = (await pool.acquire()).slice(0, workers);
  const listeners: Array<[Worker, (m: FromWorker) => void, (err: Error) => void]> = [];
  // after a failure, workers may still be busy with this sweep's chunks: the pool is not reused
  let failed: Error | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker): void => {
        if (next >= chunks.length) return;
        const c = chunks[next++]!;
        // Configs are resolved here, not in the workers: their bundle then carries no config parser
        // (start-up), and a combination the grid check did not cover fails here, named.
        let items;
        try {
          items = resolved(c);
        } catch (err) {
          reject(failedCombination(i.grid, err, c.indices[0]!));
          return;
        }
        if (c.tape && c.firstOfGroup) current = tapeOf(items, (bytes) => new SharedArrayBuffer(bytes));
        w.postMessage({ kind: 'items', items, tape: c.tape ? current : null } satisfies ToWorker);
      };
      for (const w of threads) {
        const onMessage = (m: FromWorker): void => {
          if (m.kind === 'error') {
            reject(failedCombination(i.grid, new Error(m.message), m.index));
            return;
          }
          for (const r of m.rows) rows[r.index] = r;
          done += m.rows.length;
          workerTapes += m.recorded;
          i.onProgress?.(done, total);
          if (done === total) resolve();
          else feed(w);
        };
        const onError = (err: Error): void => reject(new SweepError(`sweep worker failed: ${err.message}`, { cause: err }));
        listeners.push([w, onMessage, onError]);
        w.on('message', onMessage);
        w.on('error', onError);
        w.postMessage({ kind: 'setup', init } satisfies ToWorker);
        feed(w);
      }
    });
  } catch (err) {
    failed = err as Error;
    throw err;
  } finally {
    for (const [w, onMessage, onError] of listeners) {
      w.off('message', onMessage);
      w.off('error', onError);
    }
    pool.release(failed);
    if (!i.pool) await pool.close();
  }
  return { rows, workers, elapsedMs: performance.now() - t0, indicatorSettings: settings, tapesRecorded: shelf.recorded + workerTapes };
}

/** Worker threads a sweep of `size` combinations runs on: as asked (default: cores), at most one per combination; 0 = this thread. */
export function sweepWorkers(requested: number | undefined, size: number): number {
  return Math.max(0, Math.min(requested ?? availableParallelism(), size));
}

/** A combination failed (in this thread, while resolving its config, or in a worker): named by index and values. */
function failedCombination(g: Grid, err: unknown, fallbackIndex: number): SweepError {
  const index = err instanceof SweepItemError ? err.index : fallbackIndex;
  const message = err instanceof Error ? err.message : String(err);
  return new SweepError(`combination ${index} (${describeCombo(g, index)}): ${message}`, { cause: err });
}

interface Chunk {
  indices: Int32Array;
  /** The chunk's combinations share an indicator setting used by 2+ combinations: run on its tape. */
  tape: boolean;
  firstOfGroup: boolean;
}

/**
 * Chunks never across a taped group's boundary; lone combinations batch together. Sizes are guided:
 * a quarter of what is left per worker, at most 32 and at least 1, so the last chunks are small and
 * the workers finish together (a 32-combination chunk is ~0.3 s of one worker on a year of 5m bars).
 */
function plan(i: SweepInput, workers: number): { chunks: Chunk[]; settings: number } {
  const { order, groups } = indicatorGroups(i.grid);
  const total = order.length;
  let planned = 0;
  const size = (): number => Math.max(1, Math.min(32, Math.ceil((total - planned) / (4 * workers))));
  const out: Chunk[] = [];
  let loose: number[] = [];
  const flush = (): void => {
    if (loose.length) out.push({ indices: Int32Array.from(loose), tape: false, firstOfGroup: true });
    loose = [];
  };
  for (const g of groups) {
    if (g.to - g.from === 1) {
      loose.push(order[g.from]!);
      if (loose.length >= size()) {
        planned += loose.length;
        flush();
      }
      continue;
    }
    for (let a = g.from; a < g.to; ) {
      const b = Math.min(g.to, a + size());
      out.push({ indices: order.subarray(a, b), tape: true, firstOfGroup: a === g.from });
      planned += b - a;
      a = b;
    }
  }
  flush();
  return { chunks: out, settings: groups.length };
}

function itemsOf(g: Grid, indices: Int32Array): SweepItem[] {
  return Array.from(indices, (index) => ({ index, overrides: comboOverrides(g, index) }));
}
