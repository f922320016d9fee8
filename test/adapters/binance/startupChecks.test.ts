import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.ts';
import { startupChecks } from '../../../functions/adapters/binance/startupChecks.ts';
import { systemClock, VirtualClock } from '../../../functions/adapters/local/clocks.ts';
import { syntheticMarket } from '../../../functions/core/market/synthetic.ts';
import type { Clock } from '../../../functions/ports/clock.ts';
import { emulatorFixture, KEY, type EmulatorFixture } from '../../support/emulatorFixture.ts';

const s = syntheticMarket({ seed: 3, bars: 600 });
let f: EmulatorFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

/** The emulator lists Binance's BTCUSDT filters (the default config's); the bot runs with `over`. */
async function setup(over: Record<string, unknown> = {}, clock: Clock = new VirtualClock(s.openTime[300]! + 1_000)) {
  const cfg = parseConfig(over).config;
  f = await emulatorFixture([s], parseConfig({}).config, clock);
  return { cfg, f, clock, account: f.emu.venue.accounts.get(KEY)! };
}

describe('start-up checks against the emulator through ccxt', () => {
  it('a correctly set up account: ready, leverage and margin type applied, offset ~0', async () => {
    const { cfg, f, clock, account } = await setup({ stage: { name: 'local', exchange: 'emulator', leverage: 3, margin_type: 'ISOLATED' } });
    const r = await startupChecks(f.exchange, cfg, clock);
    expect(r).toMatchObject({ kind: 'ready', report: { serverOffsetMs: 0, balanceUsdt: cfg.capital_usd, actions: ['BTCUSDT: leverage 3x', 'BTCUSDT: margin type ISOLATED (set)'] } });
    expect(r.report.markets!['BTCUSDT']).toEqual({ symbol: 'BTCUSDT', tick: 0.1, step: 0.001, minNotional: 100, minQty: 0.001 });
    expect(account.leverage.get('BTCUSDT')).toBe(3);
    expect(account.marginType.get('BTCUSDT')).toBe('ISOLATED');
    // a second container: the same settings are a no-op (-4046 answered, not a problem)
    const again = await startupChecks(f.exchange, cfg, clock);
    expect(again.report.actions).toContain('BTCUSDT: margin type ISOLATED (already)');
    expect(again.kind).toBe('ready');
  });

  it('hedge mode, multi-assets margin and a position in the other margin type: refused, every problem named', async () => {
    const { cfg, f, clock, account } = await setup({ stage: { name: 'local', exchange: 'emulator', margin_type: 'ISOLATED' } });
    await f.exchange.placeMarket('BTCUSDT', 'buy', 0.01, 'manual-1', false);
    f.emu.venue.setMultiAssets(account, true);
    account.dualSidePosition = true; // set by hand: Binance refuses the switch with a position open
    const r = await startupChecks(f.exchange, cfg, clock);
    expect(r.kind).toBe('refused');
    if (r.kind !== 'refused') return;
    expect(r.problems).toEqual([
      expect.stringMatching(/^position mode is Hedge/),
      expect.stringMatching(/^Multi-Assets margin mode is on/),
      expect.stringMatching(/^BTCUSDT: margin type is not ISOLATED and cannot be changed \(.*-4048/),
    ]);
  });

  it('config filters that Binance would reject: refused before any order', async () => {
    const { cfg, f, clock } = await setup({ markets: { BTCUSDT: { tick: 0.05, step: 0.0005, min_notional: 50 } } });
    const r = await startupChecks(f.exchange, cfg, clock);
    expect(r.kind === 'refused' && r.problems).toEqual([
      'BTCUSDT: markets.BTCUSDT.tick 0.05 is not a multiple of the exchange tickSize 0.1',
      'BTCUSDT: markets.BTCUSDT.step 0.0005 is not a multiple of the exchange stepSize 0.001',
      'BTCUSDT: markets.BTCUSDT.min_notional 50 is below the exchange MIN_NOTIONAL 100',
    ]);
  });

  it('coarser config filters are fine (orders rounded to them are valid on the exchange)', async () => {
    const { cfg, f, clock } = await setup({ markets: { BTCUSDT: { tick: 0.5, step: 0.002, min_notional: 120 } } });
    expect((await startupChecks(f.exchange, cfg, clock)).kind).toBe('ready');
  });

  it('a configured symbol the exchange does not list: refused, named', async () => {
    const { cfg, f, clock } = await setup({ symbols: ['BTCUSDT', 'DOGEUSDT'], markets: { BTCUSDT: { tick: 0.1, step: 0.001, min_notional: 100 }, DOGEUSDT: { tick: 0.00001, step: 1, min_notional: 5 } } });
    const r = await startupChecks(f.exchange, cfg, clock);
    expect(r.kind).toBe('refused');
    expect(r.kind === 'refused' && r.problems[0]).toMatch(/^exchange filters: .*DOGEUSDT/);
  });

  it('clock offset: 3 s -> requests signed with server time; 20 s -> refused', async () => {
    const { cfg, f } = await setup({}, systemClock);
    f.emu.faults.add('skew=3000');
    const r = await startupChecks(f.exchange, cfg, systemClock);
    expect(r.kind).toBe('ready');
    expect(Math.abs(r.report.serverOffsetMs! - 3000)).toBeLessThan(500);
    expect(r.report.actions![0]).toMatch(/^server time offset \d+ ms: signing with the server's time$/);
    expect(Math.abs(Number((f.ccxt.options as { timeDifference: number }).timeDifference) + 3000)).toBeLessThan(500);
    f.emu.faults.clear();
    f.emu.faults.add('skew=20000');
    const bad = await startupChecks(f.exchange, cfg, systemClock);
    expect(bad.kind === 'refused' && bad.problems[0]).toMatch(/^server time offset \d+ ms exceeds 5000 ms/);
  });
});
