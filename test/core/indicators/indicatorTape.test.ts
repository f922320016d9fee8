import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.ts';
import { loadCandles } from '../../../functions/adapters/local/candles.ts';
import { runBacktest, type BacktestInput, type BacktestResult } from '../../../functions/core/engine/runBacktest.ts';
import { InvariantError } from '../../../functions/core/errors.ts';
import { indicatorKey, recordIndicatorTape, TAPE_COL, TAPE_STRIDE, type IndicatorTape } from '../../../functions/core/indicators/indicatorTape.ts';
import { barAt, seriesFromBars, sliceSeries, type Bar, type BarSeries } from '../../../functions/core/market/bar.ts';
import { syntheticMarket } from '../../../functions/core/market/synthetic.ts';
import type { TradingConfig } from '../../../functions/core/types.ts';

const KLINES = '../shared/data/klines/BTCUSDT-5m-futures-2024-12-31_2026-02-19.csv.gz';

/** A tape value by bar and name (rows are row-major, `TAPE_COL` offsets). */
const at = (tape: IndicatorTape, row: number, col: keyof typeof TAPE_COL): number => tape.rows[row * TAPE_STRIDE + TAPE_COL[col]]!;

// Loose settings so that short synthetic markets trade and hit every gate.
const cfgWith = (params: Record<string, number>, extra: Record<string, unknown> = {}): TradingConfig =>
  parseConfig({
    risk: { max_position_usd: 500, max_trades_per_day: 6, max_daily_loss_usd: 40, max_total_exposure_usd: 1500 },
    strategy: { params: { cooldown_bars: 2, adx_min: 12, min_atr_pct: 0.0005, max_hold_bars: 24, ...params } },
    ...extra,
  }).config;

/** The same backtest twice: indicators folded bar by bar, then read from tapes recorded once. */
function both(input: BacktestInput): { plain: BacktestResult; taped: BacktestResult } {
  const plain = runBacktest(input);
  const tapes = input.series.map((s) => recordIndicatorTape(s, input.cfg.strategy.params));
  const taped = runBacktest({ ...input, indicatorTapes: tapes });
  return { plain, taped };
}

function expectSame(plain: BacktestResult, taped: BacktestResult): void {
  expect(taped.trades).toEqual(plain.trades);
  expect(taped.audit).toEqual(plain.audit);
  expect(Array.from(taped.equity)).toEqual(Array.from(plain.equity));
  expect(taped.rejections).toEqual(plain.rejections);
  expect([taped.exposureBars, taped.gaps, taped.intents, taped.finalEquity]).toEqual([plain.exposureBars, plain.gaps, plain.intents, plain.finalEquity]);
}

/** A series with `holes` runs of missing bars cut out (for --allow-gaps). */
function withHoles(s: BarSeries, holes: Array<[number, number]>): BarSeries {
  const bars: Bar[] = [];
  for (let i = 0; i < s.length; i++) if (!holes.some(([a, b]) => i >= a && i < b)) bars.push(barAt(s, i));
  return seriesFromBars(s.symbol, s.intervalMs, bars);
}

describe('indicator tapes: recorded once per indicator setting, read by any number of backtests', () => {
  it('a taped backtest equals the plain one bar for bar (verbose audit: every bar\'s indicators)', () => {
    const cfg = cfgWith({ ema_fast: 12, ema_slow: 30, atr_period: 10, adx_period: 10, breakout_bars: 15 });
    const { plain, taped } = both({ cfg, series: [syntheticMarket({ seed: 11, bars: 6000 })], auditVerbose: true });
    expect(plain.trades.length).toBeGreaterThan(20);
    expect(plain.audit.filter((a) => a.type === 'bar')).toHaveLength(6000);
    expectSame(plain, taped);
    // the Donchian columns against a naive window max/min (HH_t/LL_t exclude bar t, spec section 1)
    const s = syntheticMarket({ seed: 11, bars: 6000 });
    const tape = recordIndicatorTape(s, cfg.strategy.params);
    for (let t = 0; t < s.length; t++) {
      if (t < 15) {
        expect([at(tape, t, 'hh'), at(tape, t, 'll')]).toEqual([NaN, NaN]);
        continue;
      }
      expect(at(tape, t, 'hh')).toBe(Math.max(...s.high.subarray(t - 15, t)));
      expect(at(tape, t, 'll')).toBe(Math.min(...s.low.subarray(t - 15, t)));
    }
  });

  it('gaps restart the indicators at the same bars as the step does (--allow-gaps)', () => {
    const cfg = cfgWith({ breakout_bars: 10 });
    const s = withHoles(syntheticMarket({ seed: 5, bars: 5000 }), [[700, 703], [2500, 2600], [4000, 4001]]);
    const { plain, taped } = both({ cfg, series: [s], allowGaps: true, auditVerbose: true });
    expect(plain.gaps).toBe(3);
    expectSame(plain, taped);
    // after the long hole the indicators start over: t counts from 0 again in the tape
    const tape = recordIndicatorTape(s, cfg.strategy.params);
    const afterHole = 2500; // index of the first bar after [2500, 2600) in the cut series (700..703 removed 3)
    expect(at(tape, afterHole - 3, 't')).toBe(0);
    expect(at(tape, afterHole - 4, 't')).toBeGreaterThan(1000);
  });

  it('two symbols, each with its own tape', () => {
    const cfg = cfgWith({}, { symbols: ['BTCUSDT', 'ETHUSDT'] });
    const btc = syntheticMarket({ seed: 21, bars: 4000 });
    const eth = { ...syntheticMarket({ seed: 22, bars: 4000, startPrice: 3300, tick: 0.01 }), symbol: 'ETHUSDT' };
    const { plain, taped } = both({ cfg, series: [btc, eth] });
    expect(new Set(plain.trades.map((t) => t.symbol))).toEqual(new Set(['BTCUSDT', 'ETHUSDT']));
    expectSame(plain, taped);
  });

  it('property: same trades, audit and equity for any indicator setting and seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 2, max: 60 }),
        (seed, fast, dSlow, atr, adx, bo) => {
          const cfg = cfgWith({ ema_fast: fast, ema_slow: fast + dSlow, atr_period: atr, adx_period: adx, breakout_bars: bo });
          const { plain, taped } = both({ cfg, series: [syntheticMarket({ seed, bars: 1500 })], auditVerbose: true });
          expectSame(plain, taped);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('one tape serves every combination with the same indicator setting', () => {
    const s = syntheticMarket({ seed: 3, bars: 4000 });
    const tape = recordIndicatorTape(s, cfgWith({}).strategy.params);
    const variants: Record<string, number>[] = [{ tp_atr: 0.9, sl_atr: 0.6 }, { tp_atr: 2, adx_min: 25 }, { min_atr_pct: 0.001, max_hold_bars: 6, cooldown_bars: 0 }];
    for (const params of variants) {
      const cfg = cfgWith(params);
      expect(indicatorKey(cfg.strategy.params)).toBe(tape.key);
      expectSame(runBacktest({ cfg, series: [s] }), runBacktest({ cfg, series: [s], indicatorTapes: [tape] }));
    }
  });

  it('refuses a tape of another setting, of other bars, or with an initial state, naming the field', () => {
    const s = syntheticMarket({ seed: 3, bars: 1000 });
    const cfg = cfgWith({});
    const other = recordIndicatorTape(s, cfgWith({ breakout_bars: 30 }).strategy.params);
    expect(() => runBacktest({ cfg, series: [s], indicatorTapes: [other] })).toThrow(/tape\.key=.*breakout_bars=30/);
    const shorter = recordIndicatorTape(sliceSeries(s, 0, 900), cfg.strategy.params);
    expect(() => runBacktest({ cfg, series: [s], indicatorTapes: [shorter] })).toThrow(/tape\.length=900/);
    const shifted = recordIndicatorTape(sliceSeries(syntheticMarket({ seed: 3, bars: 1001 }), 1, 1001), cfg.strategy.params);
    expect(() => runBacktest({ cfg, series: [s], indicatorTapes: [shifted] })).toThrow(InvariantError);
    const tape = recordIndicatorTape(s, cfg.strategy.params);
    const st = runBacktest({ cfg, series: [sliceSeries(s, 0, 500)], closeAtEnd: false }).state;
    expect(() => runBacktest({ cfg, series: [s], indicatorTapes: [tape], initialState: st })).toThrow(/initialState/);
    expect(() => runBacktest({ cfg, series: [s], indicatorTapes: [] })).toThrow(/indicatorTapes\.length=0/);
  });

  it('keepAudit: false (a sweep\'s runs) drops the records only: same trades, equity, rejections and gap count', () => {
    const cfg = cfgWith({ breakout_bars: 10 });
    const s = withHoles(syntheticMarket({ seed: 5, bars: 4000 }), [[1000, 1010]]);
    const full = runBacktest({ cfg, series: [s], allowGaps: true });
    const lean = runBacktest({ cfg, series: [s], allowGaps: true, keepAudit: false });
    expect(full.audit.length).toBeGreaterThan(100);
    expect(lean.audit).toEqual([]);
    expect(full.trades.length).toBeGreaterThan(10);
    expect(lean.trades).toEqual(full.trades);
    expect(Array.from(lean.equity)).toEqual(Array.from(full.equity));
    expect([lean.rejections, lean.gaps, lean.intents, lean.exposureBars]).toEqual([full.rejections, 1, full.intents, full.exposureBars]);
  });

  it.skipIf(!existsSync(KLINES))('real BTCUSDT 5m file: taped = plain, trade for trade', () => {
    const cfg = parseConfig({}).config;
    const series = loadCandles(KLINES).series;
    const { plain, taped } = both({ cfg, series: [series] });
    expect(plain.trades.length).toBe(1817);
    expectSame(plain, taped);
  });
});
