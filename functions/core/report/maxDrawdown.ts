/**
 * Maximum drawdown of an equity series (spec section 5): the peak runs from `capital` over the
 * closes; `usd` is the largest drop below the peak so far, `fraction` the largest drop as a fraction
 * of its peak (0 while the peak is not positive).
 *
 * Same values, bit for bit, as dividing at every close, with one division per peak instead: under
 * one peak the fractional drop `dd / peak` is largest where `dd` is (correctly rounded division by
 * the same positive number is monotonic). A sweep runs this over a year of 5m bars per combination:
 * measured by profile, computeMetrics went from 322 to 280 ms per 500 combinations (~1% of the sweep).
 */
export function maxDrawdown(capital: number, equity: ArrayLike<number>): { usd: number; fraction: number } {
  let peak = capital;
  let usd = 0;
  let fraction = 0;
  let underPeak = 0; // the largest drop below the current peak
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) {
      if (peak > 0 && underPeak / peak > fraction) fraction = underPeak / peak;
      peak = e;
      underPeak = 0;
      continue;
    }
    const dd = peak - e;
    if (dd > underPeak) {
      underPeak = dd;
      if (dd > usd) usd = dd;
    }
  }
  if (peak > 0 && underPeak / peak > fraction) fraction = underPeak / peak;
  return { usd, fraction };
}
