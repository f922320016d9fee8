import type { AppConfig } from '../../../config/schema.ts';
import { applyOverrides } from '../../../config/load.ts';
import type { FundingSeries } from '../../adapters/local/candles.ts';
import type { BarSeries } from '../../core/market/bar.ts';
import { atItem, evaluateConfigs, TapeShelf, type ResolvedItem, type SweepRow } from './evaluateConfigs.ts';

export { ROW_METRICS, SweepItemError, TapeShelf, evaluateConfigs, type ResolvedItem, type RowMetric, type SweepRow } from './evaluateConfigs.ts';

/** One combination to run: its index in the grid and the config overrides it stands for. */
export interface SweepItem {
  index: number;
  overrides: Record<string, unknown>;
}

/** Each item's config: the base with its overrides, validated (a bad one names its combination). */
export function resolveItems(base: AppConfig, items: readonly SweepItem[]): ResolvedItem[] {
  return items.map((it) => ({ index: it.index, cfg: atItem(it.index, () => applyOverrides(base, it.overrides, `combination ${it.index}`).config) }));
}

/**
 * A batch of combinations given as overrides of `base`: resolved, then `evaluateConfigs` (the
 * in-thread sweep and the Step Functions item Lambda; the worker threads get resolved configs).
 */
export function evaluateBatch(base: AppConfig, items: readonly SweepItem[], series: BarSeries, funding?: FundingSeries, shelf: TapeShelf = new TapeShelf()): SweepRow[] {
  return evaluateConfigs(resolveItems(base, items), series, funding, shelf);
}
