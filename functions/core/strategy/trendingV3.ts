import { donchianHigh, donchianLow, indicatorsReady } from '../indicators/updateIndicators.ts';
import type { IndicatorState } from '../indicators/indicatorState.ts';
import type { Bar } from '../market/bar.ts';
import type { Regime, StrategyParams } from '../types.ts';

/**
 * trending_v3 at the close of bar t (spec section 2), after `updateIndicators` folded t and
 * before `pushDonchian`. Returns 1 (long), -1 (short) or 0. The Donchian max/min is only
 * computed when the cheap conditions already hold (it is the only O(k) part).
 */
export function trendingV3Signal(s: IndicatorState, p: StrategyParams, b: Bar): 0 | 1 | -1 {
  const close = b.close;
  if (!indicatorsReady(s, p)) return 0;
  if (s.adx < p.adx_min) return 0;
  if (s.atr / close < p.min_atr_pct) return 0;
  if (s.emaFast > s.emaSlow) return close > donchianHigh(s) ? 1 : 0;
  if (s.emaFast < s.emaSlow) return close < donchianLow(s) ? -1 : 0;
  return 0;
}

export const REGIMES: readonly Regime[] = ['warmup', 'quiet', 'trend_up', 'trend_down', 'range'];

/** Regime label of bar t as an index into REGIMES (spec section 5); numeric for the hot loop. */
export function regimeCode(s: IndicatorState, p: StrategyParams, b: Bar): number {
  if (!indicatorsReady(s, p)) return 0;
  if (s.atr / b.close < p.min_atr_pct) return 1;
  if (s.adx >= p.adx_min && s.emaFast > s.emaSlow) return 2;
  if (s.adx >= p.adx_min && s.emaFast < s.emaSlow) return 3;
  return 4;
}

/** Regime label of bar t (spec section 5). */
export function regimeOf(s: IndicatorState, p: StrategyParams, b: Bar): Regime {
  return REGIMES[regimeCode(s, p, b)]!;
}
