/**
 * The resolved trading config as the pure core sees it (spec section 0). `config/schema.ts`
 * (zod) produces exactly this shape; core never imports zod, so the type lives here.
 */
export interface StrategyParams {
  readonly ema_fast: number;
  readonly ema_slow: number;
  readonly atr_period: number;
  readonly adx_period: number;
  readonly adx_min: number;
  readonly breakout_bars: number;
  readonly tp_atr: number;
  readonly sl_atr: number;
  readonly min_atr_pct: number;
  readonly cooldown_bars: number;
  readonly max_hold_bars: number;
}

/** Exchange filters of one market (PRICE_FILTER tick, LOT_SIZE step, MIN_NOTIONAL). */
export interface MarketFilters {
  readonly tick: number;
  readonly step: number;
  readonly min_notional: number;
}

export interface RiskConfig {
  readonly max_position_usd: number;
  readonly max_total_exposure_usd: number;
  readonly max_daily_loss_usd: number;
  readonly max_trades_per_day: number;
  readonly max_concurrent_positions: number;
  readonly trading_hours: { readonly start: string; readonly end: string };
}

export interface CostsConfig {
  readonly fee_bps: number;
  readonly spread_bps: number;
  readonly slippage_bps: number;
  readonly funding_rate_8h: number;
}

export interface TradingConfig {
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly capital_usd: number;
  readonly strategy: { readonly name: 'trending_v3'; readonly params: StrategyParams };
  readonly risk: RiskConfig;
  /** Spec section 3 gate 7: notional = min(sizing.notional_usd ?? max_position_usd, max_position_usd). */
  readonly sizing: { readonly notional_usd?: number | undefined };
  readonly costs: CostsConfig;
  readonly latency: {
    readonly fill_delay_ms: readonly [number, number];
    readonly max_bar_age_ms: number;
    readonly seed: number;
  };
  readonly halt: boolean;
  readonly markets: Readonly<Record<string, MarketFilters>>;
}

export type Side = 1 | -1;
export type KillSwitchMode = 'off' | 'halt' | 'flatten';

export type ExitReason = 'tp' | 'sl' | 'gap_tp' | 'gap_sl' | 'time' | 'daily_loss' | 'flatten' | 'end';
export type ScheduledExitReason = 'time' | 'daily_loss' | 'flatten';
export type Regime = 'warmup' | 'quiet' | 'trend_up' | 'trend_down' | 'range';

export type GateRule =
  | 'stale_bar'
  | 'halted'
  | 'cooldown'
  | 'trading_hours'
  | 'max_trades_per_day'
  | 'max_concurrent_positions'
  | 'tp_too_tight'
  | 'below_min_notional'
  | 'max_total_exposure';

export const GATE_RULES: readonly GateRule[] = [
  'stale_bar',
  'halted',
  'cooldown',
  'trading_hours',
  'max_trades_per_day',
  'max_concurrent_positions',
  'tp_too_tight',
  'below_min_notional',
  'max_total_exposure',
];
