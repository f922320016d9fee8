import { parseHhMm, minuteOfDay, utcDay } from '../market/timeframe.ts';
import { floorToStep } from '../money/rounding.ts';
import type { EngineState } from '../portfolio/engineState.ts';
import type { GateRule, KillSwitchMode, MarketFilters, TradingConfig } from '../types.ts';

export type GateResult =
  | { kind: 'passed'; qty: number; notional: number }
  | { kind: 'rejected'; rule: GateRule; limit: number | string; value: number | string };

export interface GateInput {
  cfg: TradingConfig;
  state: EngineState;
  /** Index of the symbol in state.symbols. */
  sym: number;
  market: MarketFilters;
  /** Signal bar t. */
  openTime: number;
  intervalMs: number;
  close: number;
  atr: number;
  /** Bar index of t (absolute). */
  bar: number;
  killSwitch: KillSwitchMode;
  /** ms between the bar's close and the decision; null in a backtest (never stale). */
  decisionAgeMs: number | null;
}

/** Pre-parsed trading hours (avoid re-parsing HH:MM on every signal). */
const hoursCache = new WeakMap<object, [number, number]>();
function tradingHours(cfg: TradingConfig): [number, number] {
  let h = hoursCache.get(cfg.risk.trading_hours);
  if (!h) {
    h = [parseHhMm(cfg.risk.trading_hours.start), parseHhMm(cfg.risk.trading_hours.end)];
    hoursCache.set(cfg.risk.trading_hours, h);
  }
  return h;
}

/**
 * Risk gates in the spec's order (section 3); the first that fails blocks the entry.
 * Sizing (gate 7) happens inside the chain because gate 8 needs the sized notional.
 * trading_hours is inclusive; a window with start > end wraps midnight.
 */
export function evaluateGates(g: GateInput): GateResult {
  const { cfg, state } = g;
  const risk = cfg.risk;

  // 0. stale_bar (live and replay only).
  if (g.decisionAgeMs !== null && g.decisionAgeMs > cfg.latency.max_bar_age_ms) {
    return { kind: 'rejected', rule: 'stale_bar', limit: cfg.latency.max_bar_age_ms, value: g.decisionAgeMs };
  }
  // 1. halted: kill switch, config halt, or the daily-loss halt of the signal bar's UTC day.
  if (g.killSwitch !== 'off') return { kind: 'rejected', rule: 'halted', limit: 'off', value: g.killSwitch };
  if (cfg.halt) return { kind: 'rejected', rule: 'halted', limit: 'off', value: 'config' };
  if (state.haltDay !== null && state.haltDay === utcDay(g.openTime)) {
    return { kind: 'rejected', rule: 'halted', limit: 'off', value: 'max_daily_loss' };
  }
  // 2. cooldown: blocked while t - j_exit < cooldown_bars.
  const s = state.symbols[g.sym]!;
  if (s.lastExitBar !== null) {
    const since = g.bar - s.lastExitBar;
    if (since < cfg.strategy.params.cooldown_bars) {
      return { kind: 'rejected', rule: 'cooldown', limit: cfg.strategy.params.cooldown_bars, value: since };
    }
  }
  // 3. trading_hours: the entry fill time (open of t+1) within [start, end], UTC, inclusive.
  const fillTime = g.openTime + g.intervalMs;
  const [start, end] = tradingHours(cfg);
  const m = minuteOfDay(fillTime);
  const inside = start <= end ? m >= start && m <= end : m >= start || m <= end;
  if (!inside) {
    return {
      kind: 'rejected',
      rule: 'trading_hours',
      limit: `${risk.trading_hours.start}-${risk.trading_hours.end}`,
      value: `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`,
    };
  }
  // 4. max_trades_per_day: entries already filled (or pending) on the fill time's UTC day.
  const fillDay = utcDay(fillTime);
  const trades = state.tradesDay === fillDay ? state.tradesCount : 0;
  if (trades >= risk.max_trades_per_day) {
    return { kind: 'rejected', rule: 'max_trades_per_day', limit: risk.max_trades_per_day, value: trades };
  }
  // 5. max_concurrent_positions: open (or pending) positions across symbols.
  let open = 0;
  let openNotional = 0;
  for (const x of state.symbols) {
    if (x.position) {
      open++;
      openNotional += x.position.qty * x.lastClose;
    } else if (x.pending) {
      open++;
      openNotional += x.pending.notional;
    }
  }
  if (open >= risk.max_concurrent_positions) {
    return { kind: 'rejected', rule: 'max_concurrent_positions', limit: risk.max_concurrent_positions, value: open };
  }
  // 6. tp_too_tight: the take-profit distance must cover twice the round-trip cost.
  const c = cfg.costs;
  const tpPct = (cfg.strategy.params.tp_atr * g.atr) / g.close;
  const minPct = (2 * (c.fee_bps + c.spread_bps / 2 + c.slippage_bps)) / 10_000;
  if (tpPct < minPct) return { kind: 'rejected', rule: 'tp_too_tight', limit: minPct, value: tpPct };
  // 7. sizing and below_min_notional.
  const target = cfg.sizing.notional_usd ?? risk.max_position_usd;
  const notional = Math.min(target, risk.max_position_usd);
  const qty = floorToStep(notional / g.close, g.market.step);
  const sized = qty * g.close;
  if (qty === 0 || sized < g.market.min_notional) {
    return { kind: 'rejected', rule: 'below_min_notional', limit: g.market.min_notional, value: sized };
  }
  // 8. max_total_exposure: open notional + this notional.
  const exposure = openNotional + notional;
  if (exposure > risk.max_total_exposure_usd) {
    return { kind: 'rejected', rule: 'max_total_exposure', limit: risk.max_total_exposure_usd, value: exposure };
  }
  return { kind: 'passed', qty, notional: sized };
}
