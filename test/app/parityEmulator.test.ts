import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { loadCandles } from '../../functions/adapters/local/candles.ts';
import { VirtualClock } from '../../functions/adapters/local/clocks.ts';
import { diffTrades, formatParity } from '../../functions/app/parity.ts';
import { runBacktest } from '../../functions/core/engine/runBacktest.ts';
import { sliceSeries, type BarSeries } from '../../functions/core/market/bar.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import type { ExchangeFill } from '../../functions/ports/exchange.ts';
import { Harness } from '../support/barCloseHarness.ts';
import { emulatorFixture } from '../support/emulatorFixture.ts';

const { config } = parseConfig({});

/** What a fill is, without venue-assigned ids (orders are matched by our deterministic clientOrderId). */
const fillKey = (f: ExchangeFill) => ({ clientOrderId: f.clientOrderId, side: f.side, qty: f.qty, price: f.price, fee: f.fee, time: f.time });

/**
 * The bar-close handler over `s` twice: against SimExchange (the SimBroker view of the Venue) and
 * against the emulator through unmodified ccxt. Returns both runs' trades and fills, and the backtest.
 */
async function bothWays(s: BarSeries) {
  const sim = new Harness(s, config);
  await sim.run(0, s.length);
  const clock = new VirtualClock(s.openTime[0]!);
  const f = await emulatorFixture([s], config, clock);
  try {
    const emu = new Harness(s, config, undefined, () => f.exchange, clock);
    const t0 = Date.now();
    await emu.run(0, s.length);
    const ms = Date.now() - t0;
    return {
      backtest: runBacktest({ cfg: config, series: [s] }).trades,
      sim: { trades: sim.trades, fills: (await sim.exchange.fills('BTCUSDT', s.openTime[0]!)).map(fillKey) },
      emu: { trades: emu.trades, fills: (await emu.exchange.fills('BTCUSDT', s.openTime[0]!)).map(fillKey) },
      barsPerSecond: s.length / (ms / 1000),
      requests: f.emu.requests.length,
    };
  } finally {
    await f.close();
  }
}

describe('SimBroker and emulator + ccxt produce identical fills (and the backtest trades)', () => {
  it('on the synthetic default market', async () => {
    const r = await bothWays(syntheticMarket({ seed: 42, bars: 1500 }));
    console.log(`synthetic: ${r.emu.fills.length} fills, ${r.requests} HTTP requests, ${r.barsPerSecond.toFixed(0)} bars/s through ccxt`);
    expect(r.sim.fills.length).toBeGreaterThan(20);
    expect(r.emu.fills).toEqual(r.sim.fills);
    expect(formatParity(diffTrades(r.sim.trades, r.emu.trades))).toMatch(/^PARITY OK/);
    expect(diffTrades(r.backtest.slice(0, r.emu.trades.length), r.emu.trades).equal).toBe(true);
  }, 120_000);

  const BTC = '../shared/data/klines/BTCUSDT-5m-futures-2024-12-31_2026-02-19.csv.gz';
  it.skipIf(!existsSync(BTC))('on one month (31 days) of real BTCUSDT 5m bars', async () => {
    const full = loadCandles(BTC).series;
    const start = full.openTime.indexOf(Date.UTC(2025, 9, 1));
    const r = await bothWays(sliceSeries(full, start, start + 31 * 288));
    console.log(`real BTCUSDT October 2025: ${r.emu.fills.length} fills, ${r.requests} HTTP requests, ${r.barsPerSecond.toFixed(0)} bars/s through ccxt`);
    expect(r.sim.fills.length).toBeGreaterThan(10);
    expect(r.emu.fills).toEqual(r.sim.fills);
    expect(diffTrades(r.sim.trades, r.emu.trades)).toMatchObject({ equal: true, mismatches: [] });
    expect(diffTrades(r.backtest.slice(0, r.emu.trades.length), r.emu.trades).equal).toBe(true);
  }, 900_000);
});
