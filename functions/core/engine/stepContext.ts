import type { IndicatorTape } from '../indicators/indicatorTape.ts';
import type { KillSwitchMode, MarketFilters, TradingConfig } from '../types.ts';

export interface StepContext {
  readonly cfg: TradingConfig;
  readonly intervalMs: number;
  /** Stage name for client order ids ('bt' in backtests). */
  readonly stage: string;
  /** Exchange filters per symbol (config `markets` in backtests, exchangeInfo live). */
  readonly markets: Readonly<Record<string, MarketFilters>>;
  killSwitch: KillSwitchMode;
  /** ms from the bar's close to the decision; null = backtest (stale_bar never trips). */
  decisionAgeMs: number | null;
  /** Funding rate of the event in the bar opened at `openTime` (called only at 00/08/16 UTC bars). */
  readonly fundingRate: (symbol: string, openTime: number) => number;
  /** A hole in the bar sequence: 'throw' (default) or 'reset' (restart indicators, --allow-gaps). */
  readonly onGap: 'throw' | 'reset';
  /**
   * Recorded indicator series, one per symbol (a sweep's shared tapes): the step reads row `row`
   * instead of updating the indicators. Absent or null everywhere else.
   */
  readonly tapes?: readonly IndicatorTape[] | null;
}
