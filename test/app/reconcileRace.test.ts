import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { dailyReport } from '../../functions/app/dailyReport.ts';
import { formingBarQty } from '../../functions/app/reconcile.ts';
import { isoDay, utcDay } from '../../functions/core/market/timeframe.ts';
import { clientOrderId } from '../../functions/core/engine/clientOrderId.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import type { Exchange, ExchangeFill, ExchangePosition } from '../../functions/ports/exchange.ts';
import { SimExchange } from '../../functions/adapters/local/simExchange.ts';
import { Harness } from '../support/barCloseHarness.ts';

const { config } = parseConfig({});

/**
 * The exchange as the bot sees it when its take-profit fills between the two reconcile reads: the
 * fills read (step 4) does not have it yet, the positions read after the decision already shows
 * the position closed, and every fills read after that has the fill (`withFill`: false = a position
 * that vanished without any fill, a true mismatch).
 */
function racing(inner: Exchange, harness: () => Harness, withFill: boolean): { exchange: Exchange; armed: { on: boolean } } {
  const armed = { on: false };
  let filled: ExchangeFill | null = null;
  const exchange: Exchange = Object.create(inner) as Exchange;
  exchange.positions = async (symbols: readonly string[]): Promise<ExchangePosition[]> => {
    const real = await inner.positions(symbols);
    if (!armed.on) return real;
    const h = harness();
    const st = (await h.store.load())!.state.symbols[0]!;
    const pos = st.position!;
    if (withFill && !filled) {
      filled = { id: 'late-1', orderId: 'late-1', clientOrderId: clientOrderId('local', st.symbol, pos.signalTime, 'tp'), symbol: st.symbol, side: pos.side === 1 ? 'sell' : 'buy', qty: pos.qty, price: pos.tp, fee: 0.01, time: h.clock.now() };
    }
    return real.map((p) => (p.symbol === st.symbol ? { ...p, qty: 0 } : p));
  };
  exchange.fills = async (symbol: string, since: number): Promise<ExchangeFill[]> => {
    const real = await inner.fills(symbol, since);
    return filled && filled.symbol === symbol ? [...real, filled] : real;
  };
  return { exchange, armed };
}

/** Run bars until the stored state holds a position at a bar's close; return that bar's index. */
async function untilPositionOpen(h: Harness, from: number): Promise<number> {
  for (let i = from; i < h.series.length - 2; i++) {
    await h.bar(i);
    if ((await h.store.load())?.state.symbols[0]!.position) return i + 1;
  }
  throw new Error('no position opened');
}

/** The harness over the racing exchange, run until a position is open; then that bar, with the race armed. */
async function raceAtOpenPosition(withFill: boolean) {
  const s = syntheticMarket({ seed: 42, bars: 1500 });
  let race!: ReturnType<typeof racing>;
  const h: Harness = new Harness(s, config, undefined, (clock, cfg) => {
    race = racing(new SimExchange([s], cfg.markets, cfg.costs, clock, cfg.capital_usd), () => h, withFill);
    return race.exchange;
  });
  const i = await untilPositionOpen(h, 0);
  race.armed.on = true;
  return { s, h, i, o: await h.bar(i) };
}

describe('reconcile: a protective fill between the fills read and the positions read', () => {
  it('is read again after the positions and counted as the forming bar\'s: no false mismatch, no halt', async () => {
    const { s, h, i, o } = await raceAtOpenPosition(true);
    expect(o.mismatches).toEqual([]);
    expect(await h.killSwitch.read()).toBe('off');
    const audit = await h.store.readAudit();
    const records = audit.map((r) => r.record as { type: string });
    const late = records.find((r) => r.type === 'reconcile_late_fill');
    expect(late).toMatchObject({ time: s.openTime[i], formingBarQty: { BTCUSDT: expect.any(Number) } });
    expect(records.some((r) => r.type === 'reconcile_mismatch')).toBe(false);
    // and the day's report lists it
    const day = isoDay(utcDay(s.openTime[i]!));
    const r = await dailyReport({ cfg: config, store: h.store, day });
    expect(r.events.filter((e) => e.kind === 'reconcile_late_fill').map((e) => e.detail)).toEqual([expect.stringMatching(/^a protective fill landed during the reconcile \(forming bar: BTCUSDT -0\.\d+\); read again, positions agree$/)]);
  });

  it('a position that changed with no fill at all is still a mismatch and halts the bot', async () => {
    const { o, h } = await raceAtOpenPosition(false);
    expect(o.mismatches).toHaveLength(1);
    expect(o.mismatches[0]!.reason).toMatch(/^position differs: state /);
    expect(await h.killSwitch.read()).toBe('halt');
  });

  it('formingBarQty: net signed quantity of the fills after the bar, per symbol', () => {
    const f = (symbol: string, side: 'buy' | 'sell', qty: number, time: number) => ({
      fill: { id: 'x', orderId: 'x', clientOrderId: 'x', symbol, side, qty, price: 1, fee: 0, time },
      event: { kind: 'exit' as const, symbol, reason: 'tp' as const, qty, price: 1, fee: 0, time },
    });
    const bar = 1_735_689_600_000;
    const iv = 300_000;
    const q = formingBarQty([f('BTCUSDT', 'sell', 0.01, bar + iv - 1), f('BTCUSDT', 'sell', 0.02, bar + iv), f('ETHUSDT', 'buy', 0.5, bar + 2 * iv + 7), f('BTCUSDT', 'buy', 0.005, bar + iv + 1)], bar, iv);
    expect(q).toEqual({ BTCUSDT: -0.015, ETHUSDT: 0.5 });
  });
});
