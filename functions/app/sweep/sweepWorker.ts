import { parentPort, workerData } from 'node:worker_threads';
import type { AppConfig } from '../../../config/schema.ts';
import type { FundingSeries } from '../../adapters/local/candles.ts';
import type { BarSeries } from '../../core/market/bar.ts';
import { evaluateItem, type SweepItem, type SweepRow } from './evaluate.ts';

/** What the pool hands each worker once: the base config and the bars (SharedArrayBuffer views, not copies). */
export interface WorkerInit {
  base: AppConfig;
  series: BarSeries;
  funding: FundingSeries | null;
}

export type ToWorker = { kind: 'items'; items: SweepItem[] } | { kind: 'stop' };
export type FromWorker = { kind: 'rows'; rows: SweepRow[] } | { kind: 'error'; message: string; index: number };

const init = workerData as WorkerInit;
const port = parentPort!;
port.on('message', (m: ToWorker) => {
  if (m.kind === 'stop') {
    port.close();
    return;
  }
  const rows: SweepRow[] = [];
  for (const it of m.items) {
    try {
      rows.push(evaluateItem(init.base, it, init.series, init.funding ?? undefined));
    } catch (err) {
      port.postMessage({ kind: 'error', message: err instanceof Error ? err.message : String(err), index: it.index } satisfies FromWorker);
      return;
    }
  }
  port.postMessage({ kind: 'rows', rows } satisfies FromWorker);
});
