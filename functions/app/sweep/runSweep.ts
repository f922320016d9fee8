import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AppConfig } from '../../../config/schema.ts';
import type { FundingSeries } from '../../adapters/local/candles.ts';
import type { BarSeries } from '../../core/market/bar.ts';
import { evaluateItem, type SweepRow } from './evaluate.ts';
import { comboOverrides, describeCombo, sweepItems, type Grid } from './grid.ts';
import type { FromWorker, ToWorker, WorkerInit } from './sweepWorker.ts';

export interface SweepInput {
  base: AppConfig;
  grid: Grid;
  series: BarSeries;
  funding?: FundingSeries | undefined;
  /** Worker threads; 0 runs in this thread (tests, the Lambda item processor). Default: cores. */
  workers?: number;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface SweepResult {
  /** One row per combination, in grid order (whatever the worker count). */
  rows: SweepRow[];
  workers: number;
  elapsedMs: number;
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
 * (dynamic balancing: fast and slow combinations mix). Results are placed by index, so the output
 * is identical for any worker count.
 */
export async function runSweep(i: SweepInput): Promise<SweepResult> {
  const t0 = performance.now();
  const total = i.grid.size;
  const rows = new Array<SweepRow>(total);
  const workers = Math.max(0, Math.min(i.workers ?? availableParallelism(), total));
  if (workers === 0) {
    for (let k = 0; k < total; k++) {
      rows[k] = evaluateItem(i.base, { index: k, overrides: comboOverrides(i.grid, k) }, i.series, i.funding);
      if ((k & 15) === 15 || k === total - 1) i.onProgress?.(k + 1, total);
    }
    return { rows, workers: 0, elapsedMs: performance.now() - t0 };
  }
  const chunk = Math.max(1, Math.min(32, Math.ceil(total / (workers * 16))));
  const init: WorkerInit = { base: JSON.parse(JSON.stringify(i.base)) as AppConfig, series: shareSeries(i.series), funding: i.funding ?? null };
  let next = 0;
  let done = 0;
  const pool = Array.from({ length: workers }, () => new Worker(new URL('./sweepWorker.mjs', import.meta.url), { workerData: init }));
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker): void => {
        if (next >= total) {
          w.postMessage({ kind: 'stop' } satisfies ToWorker);
          return;
        }
        const to = Math.min(total, next + chunk);
        w.postMessage({ kind: 'items', items: sweepItems(i.grid, next, to) } satisfies ToWorker);
        next = to;
      };
      for (const w of pool) {
        w.on('message', (m: FromWorker) => {
          if (m.kind === 'error') {
            reject(new SweepError(`combination ${m.index} (${describeCombo(i.grid, m.index)}): ${m.message}`));
            return;
          }
          for (const r of m.rows) rows[r.index] = r;
          done += m.rows.length;
          i.onProgress?.(done, total);
          if (done === total) resolve();
          else feed(w);
        });
        w.on('error', (err) => reject(new SweepError(`sweep worker failed: ${err.message}`, { cause: err })));
        feed(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return { rows, workers, elapsedMs: performance.now() - t0 };
}
