import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.ts';
import { onBarClose } from '../../../functions/core/engine/onBarClose.ts';
import { runBacktest } from '../../../functions/core/engine/runBacktest.ts';
import type { ClosedTrade, FillEvent } from '../../../functions/core/engine/events.ts';
import type { StepContext } from '../../../functions/core/engine/stepContext.ts';
import { simulateBar } from '../../../functions/core/fills/simBroker.ts';
import { barAt } from '../../../functions/core/market/bar.ts';
import { syntheticMarket } from '../../../functions/core/market/synthetic.ts';
import { newEngineState } from '../../../functions/core/portfolio/engineState.ts';

const seeds = fc.integer({ min: 1, max: 1_000_000 });
// Loose strategy settings so that short synthetic markets trade a lot.
const cfgFor = (maxPos: number, maxTrades: number) =>
  parseConfig({
    risk: { max_position_usd: maxPos, max_trades_per_day: maxTrades, max_daily_loss_usd: 50, max_total_exposure_usd: Math.max(maxPos, 1500) },
    strategy: { params: { cooldown_bars: 1, adx_min: 10, min_atr_pct: 0.0005, max_hold_bars: 12 } },
  }).config;

describe('engine properties (fast-check over seeded synthetic markets)', () => {
  it('no position ever exceeds max_position_usd (qty * signal close)', () => {
    fc.assert(
      fc.property(seeds, fc.integer({ min: 100, max: 5000 }), (seed, maxPos) => {
        const s = syntheticMarket({ seed, bars: 3000 });
        const r = runBacktest({ cfg: cfgFor(maxPos, 10), series: [s] });
        const closeAt = new Map<number, number>();
        for (let i = 0; i < s.length; i++) closeAt.set(s.openTime[i]!, s.close[i]!);
        return r.trades.every((t) => t.qty * closeAt.get(t.signalTime)! <= maxPos + 1e-9);
      }),
      { numRuns: 25 },
    );
  });

  it('entries per UTC day never exceed max_trades_per_day', () => {
    fc.assert(
      fc.property(seeds, fc.integer({ min: 1, max: 5 }), (seed, maxTrades) => {
        const r = runBacktest({ cfg: cfgFor(500, maxTrades), series: [syntheticMarket({ seed, bars: 3000 })] });
        const perDay = new Map<number, number>();
        for (const t of r.trades) perDay.set(Math.floor(t.entryTime / 86_400_000), (perDay.get(Math.floor(t.entryTime / 86_400_000)) ?? 0) + 1);
        return [...perDay.values()].every((n) => n <= maxTrades);
      }),
      { numRuns: 25 },
    );
  });

  it('equity identity: capital + sum of trade P&L = final equity (flat at the end)', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const r = runBacktest({ cfg: cfgFor(500, 10), series: [syntheticMarket({ seed, bars: 3000 })] });
        const sum = r.trades.reduce((a, t) => a + t.pnl, 0);
        return Math.abs(10_000 + sum - r.finalEquity) <= 1e-9 * 10_000 && r.state.symbols[0]!.position === null;
      }),
      { numRuns: 25 },
    );
  });

  it('identical output on repeated runs (trades and audit byte-identical)', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const s = syntheticMarket({ seed, bars: 2000 });
        const a = runBacktest({ cfg: cfgFor(500, 10), series: [s] });
        const b = runBacktest({ cfg: cfgFor(500, 10), series: [s] });
        return JSON.stringify([a.trades, a.audit]) === JSON.stringify([b.trades, b.audit]);
      }),
      { numRuns: 10 },
    );
  });

  it('parity by construction: onBarClose folded bar by bar (SimBroker events) = runBacktest, state included', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const cfg = cfgFor(500, 10);
        const s = syntheticMarket({ seed, bars: 1500 });
        const ref = runBacktest({ cfg, series: [s] });
        let st = newEngineState(cfg);
        const ctx: StepContext = { cfg, intervalMs: 300_000, stage: 'bt', markets: cfg.markets, killSwitch: 'off', decisionAgeMs: null, fundingRate: () => cfg.costs.funding_rate_8h, onGap: 'throw' };
        const trades: ClosedTrade[] = [];
        for (let i = 0; i < s.length; i++) {
          const bar = barAt(s, i);
          const j = Math.floor(bar.openTime / 300_000);
          const events: readonly FillEvent[] = simulateBar(st.symbols[0]!, bar, j, cfg.costs, cfg.strategy.params, cfg.markets.BTCUSDT!, null, null);
          const out = onBarClose(st, [bar], events, ctx);
          trades.push(...out.trades);
          st = out.state;
        }
        // compare the trades closed before the end-of-data exit, and the engine state after the last bar
        const refClosed = ref.trades.filter((t) => t.reason !== 'end');
        const strip = (t: ClosedTrade) => ({ ...t });
        return JSON.stringify(trades.map(strip)) === JSON.stringify(refClosed.map(strip)) && (ref.trades.length === refClosed.length ? JSON.stringify(st) === JSON.stringify(ref.state) : true);
      }),
      { numRuns: 15 },
    );
  });

  it('the properties are not vacuous: these markets do trade', () => {
    const r = runBacktest({ cfg: cfgFor(500, 10), series: [syntheticMarket({ seed: 3, bars: 3000 })] });
    expect(r.trades.length).toBeGreaterThan(20);
  });
});
