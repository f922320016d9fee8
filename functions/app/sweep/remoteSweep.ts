import * as z from 'zod';
import type { AppConfig } from '../../../config/schema.ts';
import type { FundingSeries } from '../../adapters/local/candles.ts';
import type { BarSeries } from '../../core/market/bar.ts';
import { evaluateBatch, type SweepItem, type SweepRow } from './evaluate.ts';

/**
 * Sweep fan-out on Step Functions (issue: Distributed Map over the backtest item Lambda). The
 * execution input names the items file (one JSON array of SweepItem, what `mft sweep --remote`
 * uploads), the candles and the grid; the item Lambda gets batches of items and runs `evaluateBatch`
 * (configs resolved, then the worker threads' `evaluateConfigs`); the summary Lambda merges the batches' rows.
 */
export const ExecutionInputSchema = z
  .object({
    runId: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/),
    bucket: z.string().min(3),
    itemsKey: z.string().min(1),
    dataKey: z.string().min(1),
    /** '' when the sweep has no funding file (the state machine passes it on to every batch). */
    fundingKey: z.string(),
    grid: z.string().min(1),
    metric: z.string().min(1),
    /** The base stage config (validated again by the functions). */
    config: z.record(z.string(), z.unknown()),
  })
  .strict();
export type ExecutionInput = z.infer<typeof ExecutionInputSchema>;

/** One batch from the Distributed Map's ItemBatcher: `BatchInput` is the same for every batch. */
export const ItemBatchSchema = z.object({
  BatchInput: z.object({ bucket: z.string(), dataKey: z.string(), fundingKey: z.string().optional(), config: z.record(z.string(), z.unknown()) }),
  Items: z.array(z.object({ index: z.number().int().nonnegative(), overrides: z.record(z.string(), z.unknown()) })).min(1),
});
export type ItemBatch = z.infer<typeof ItemBatchSchema>;

/** The items file: every combination with its overrides, in grid order (the workers' items). */
export { sweepItems } from './grid.ts';

/**
 * The item processor: the batch through `evaluateBatch`, i.e. the worker threads' `evaluateConfigs`
 * after resolving each config (items of one indicator setting share a tape recorded once for the batch).
 */
export function processBatch(base: AppConfig, items: readonly SweepItem[], series: BarSeries, funding?: FundingSeries): { rows: SweepRow[] } {
  return { rows: evaluateBatch(base, items, series, funding) };
}

/** Rows of every batch back in grid order; a missing or repeated index is an error naming it. */
export function mergeRows(size: number, batches: ReadonlyArray<{ rows: readonly SweepRow[] }>): SweepRow[] {
  const rows = new Array<SweepRow | undefined>(size);
  for (const b of batches)
    for (const r of b.rows) {
      if (r.index < 0 || r.index >= size) throw new RangeError(`row index ${r.index} outside the grid (0..${size - 1})`);
      if (rows[r.index]) throw new RangeError(`row ${r.index} returned twice`);
      rows[r.index] = r;
    }
  const missing = rows.findIndex((r) => r === undefined);
  if (missing >= 0) throw new RangeError(`row ${missing} missing from the results (${rows.filter((r) => !r).length} of ${size} missing)`);
  return rows as SweepRow[];
}
