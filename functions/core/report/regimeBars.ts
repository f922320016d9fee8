import { newIndicatorState } from '../indicators/indicatorState.ts';
import { pushDonchian, updateIndicators } from '../indicators/updateIndicators.ts';
import type { Bar, BarSeries } from '../market/bar.ts';
import { REGIMES, regimeCode } from '../strategy/trendingV3.ts';
import type { Regime, StrategyParams } from '../types.ts';

/**
 * Bars spent in each regime label (spec section 5), computed in a separate indicator pass so the
 * backtest fold does not pay for it on every bar.
 */
export function regimeBars(series: BarSeries, p: StrategyParams): Record<Regime, number> {
  const s = newIndicatorState(p);
  const counts = new Float64Array(REGIMES.length);
  const b: Bar = { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (let i = 0; i < series.length; i++) {
    b.high = series.high[i]!;
    b.low = series.low[i]!;
    b.close = series.close[i]!;
    updateIndicators(s, p, b);
    counts[regimeCode(s, p, b)]++;
    pushDonchian(s, b);
  }
  const out = {} as Record<Regime, number>;
  REGIMES.forEach((r, k) => (out[r] = counts[k]!));
  return out;
}
