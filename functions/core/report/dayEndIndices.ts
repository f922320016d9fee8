import { utcDay } from '../market/timeframe.ts';

/**
 * Index of the last bar of each UTC day in `times` (bar open times, ascending): where the daily
 * returns of spec section 5 read the equity. The same for every run over the same bars, so a sweep
 * computes it once per series instead of dividing every bar's time in every combination.
 */
export function dayEndIndices(times: ArrayLike<number>): Int32Array {
  const n = times.length;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (i === n - 1 || utcDay(times[i + 1]!) !== utcDay(times[i]!)) out.push(i);
  return Int32Array.from(out);
}
