import { describe, expect, it } from 'vitest';
import { newEngineState, type EngineState } from '../../../functions/core/portfolio/engineState.ts';
import { evaluateGates, type GateInput } from '../../../functions/core/risk/gates.ts';
import { parseConfig } from '../../../config/load.ts';

const T = Date.UTC(2025, 0, 1, 12, 0); // signal bar 12:00, fill 12:05
const base = (over: Record<string, unknown> = {}, mutate?: (s: EngineState) => void, g: Partial<GateInput> = {}) => {
  const { config } = parseConfig({ symbols: ['BTCUSDT', 'ETHUSDT'], ...over });
  const state = newEngineState(config);
  mutate?.(state);
  return evaluateGates({
    cfg: config,
    state,
    sym: 0,
    market: config.markets.BTCUSDT!,
    openTime: T,
    intervalMs: 300_000,
    close: 95_000,
    atr: 200,
    bar: T / 300_000,
    killSwitch: 'off',
    decisionAgeMs: null,
    ...g,
  });
};

describe('risk gates (spec section 3) in order, with rejection values', () => {
  it('passes and sizes: qty = floor(500/95000/0.001)*0.001 = 0.005', () => {
    expect(base()).toEqual({ kind: 'passed', qty: 0.005, notional: 0.005 * 95_000 });
  });
  it('0 stale_bar (live/replay only): decision more than max_bar_age_ms after the close', () => {
    expect(base({}, undefined, { decisionAgeMs: 25_000 })).toEqual({ kind: 'rejected', rule: 'stale_bar', limit: 20_000, value: 25_000 });
    expect(base({}, undefined, { decisionAgeMs: 20_000 }).kind).toBe('passed');
    expect(base({}, undefined, { decisionAgeMs: null }).kind).toBe('passed');
  });
  it('1 halted: kill switch, config halt, daily-loss day', () => {
    expect(base({}, undefined, { killSwitch: 'halt' })).toEqual({ kind: 'rejected', rule: 'halted', limit: 'off', value: 'halt' });
    expect(base({}, undefined, { killSwitch: 'flatten' })).toMatchObject({ rule: 'halted', value: 'flatten' });
    expect(base({ halt: true })).toEqual({ kind: 'rejected', rule: 'halted', limit: 'off', value: 'config' });
    expect(base({}, (s) => (s.haltDay = Math.floor(T / 86_400_000)))).toEqual({ kind: 'rejected', rule: 'halted', limit: 'off', value: 'max_daily_loss' });
    expect(base({}, (s) => (s.haltDay = Math.floor(T / 86_400_000) - 1)).kind).toBe('passed');
  });
  it('2 cooldown: t - j_exit < cooldown_bars', () => {
    const t = T / 300_000;
    expect(base({}, (s) => (s.symbols[0]!.lastExitBar = t - 2))).toEqual({ kind: 'rejected', rule: 'cooldown', limit: 3, value: 2 });
    expect(base({}, (s) => (s.symbols[0]!.lastExitBar = t - 3)).kind).toBe('passed');
  });
  it('3 trading_hours: the fill time (open of t+1) inside [start, end], inclusive; windows may wrap midnight', () => {
    expect(base({ risk: { trading_hours: { start: '13:00', end: '20:00' } } })).toEqual({ kind: 'rejected', rule: 'trading_hours', limit: '13:00-20:00', value: '12:05' });
    expect(base({ risk: { trading_hours: { start: '12:05', end: '12:05' } } }).kind).toBe('passed');
    expect(base({ risk: { trading_hours: { start: '22:00', end: '02:00' } } })).toMatchObject({ rule: 'trading_hours', value: '12:05' });
    expect(base({ risk: { trading_hours: { start: '22:00', end: '02:00' } } }, undefined, { openTime: Date.UTC(2025, 0, 1, 23, 0) }).kind).toBe('passed');
  });
  it('4 max_trades_per_day: entries on the fill day', () => {
    const day = Math.floor((T + 300_000) / 86_400_000);
    expect(base({}, (s) => ((s.tradesDay = day), (s.tradesCount = 10)))).toEqual({ kind: 'rejected', rule: 'max_trades_per_day', limit: 10, value: 10 });
    expect(base({}, (s) => ((s.tradesDay = day - 1), (s.tradesCount = 10))).kind).toBe('passed');
    // a 23:55 signal fills at 00:00 of the next day: that day's count applies
    const late = Date.UTC(2025, 0, 1, 23, 55);
    expect(base({}, (s) => ((s.tradesDay = Math.floor(late / 86_400_000)), (s.tradesCount = 10)), { openTime: late }).kind).toBe('passed');
  });
  it('5 max_concurrent_positions: open (or pending) positions across symbols', () => {
    const r = base({ risk: { max_concurrent_positions: 1 } }, (s) => {
      s.symbols[1]!.pending = { side: 1, qty: 0.1, signalTime: T, atr: 10, regime: 'trend_up', clientOrderId: 'x', notional: 330 };
    });
    expect(r).toEqual({ kind: 'rejected', rule: 'max_concurrent_positions', limit: 1, value: 1 });
  });
  it('6 tp_too_tight: tp_atr*atr/close < 2*(fee + spread/2 + slippage)/10000', () => {
    // 1.25*50/95000 = 0.000657... < 2*(4+1+1)/10000 = 0.0012
    expect(base({}, undefined, { atr: 50 })).toEqual({ kind: 'rejected', rule: 'tp_too_tight', limit: 0.0012, value: (1.25 * 50) / 95_000 });
  });
  it('7 below_min_notional: qty*close < MIN_NOTIONAL, or qty == 0', () => {
    // 150/95000 = 0.00158 -> 0.001 BTC = $95 < $100
    expect(base({ risk: { max_position_usd: 150 } })).toEqual({ kind: 'rejected', rule: 'below_min_notional', limit: 100, value: 95 });
    // 90/95000 < one step -> qty 0
    expect(base({ risk: { max_position_usd: 90 } })).toEqual({ kind: 'rejected', rule: 'below_min_notional', limit: 100, value: 0 });
    // sizing.notional_usd below max_position_usd wins: 300/95000 -> 0.003
    expect(base({ sizing: { notional_usd: 300 } })).toEqual({ kind: 'passed', qty: 0.003, notional: 0.003 * 95_000 });
  });
  it('7 step rounding on a step-1 market (SOL): floor(500/190.37) = 2', () => {
    const { config } = parseConfig({ symbols: ['SOLUSDT'] });
    const r = evaluateGates({ cfg: config, state: newEngineState(config), sym: 0, market: config.markets.SOLUSDT!, openTime: T, intervalMs: 300_000, close: 190.37, atr: 1, bar: 0, killSwitch: 'off', decisionAgeMs: null });
    expect(r).toEqual({ kind: 'passed', qty: 2, notional: 2 * 190.37 });
  });
  it('8 max_total_exposure: open notional + this notional', () => {
    const r = base({ risk: { max_total_exposure_usd: 800 } }, (s) => {
      s.symbols[1]!.position = { side: 1, qty: 0.1, entryPrice: 3300, entryTime: T, entryBar: 1, entryFee: 0, funding: 0, tp: 1, sl: 1, atr: 1, regime: 'trend_up', signalTime: T };
      s.symbols[1]!.lastClose = 3400;
    });
    expect(r).toEqual({ kind: 'rejected', rule: 'max_total_exposure', limit: 800, value: 0.1 * 3400 + 500 });
  });
  it('the first failing gate wins (stale before halted before cooldown)', () => {
    expect(base({ halt: true }, (s) => (s.symbols[0]!.lastExitBar = T / 300_000), { decisionAgeMs: 60_000 })).toMatchObject({ rule: 'stale_bar' });
    expect(base({ halt: true }, (s) => (s.symbols[0]!.lastExitBar = T / 300_000))).toMatchObject({ rule: 'halted' });
  });
});
