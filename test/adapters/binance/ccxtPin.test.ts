import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.ts';
import { createBinanceClient } from '../../../functions/adapters/binance/createBinanceClient.ts';
import { ccxtErrors as E } from '../../../functions/adapters/binance/ccxtBinanceUsdm.ts';
import { VirtualClock } from '../../../functions/adapters/local/clocks.ts';
import { syntheticMarket } from '../../../functions/core/market/synthetic.ts';
import { emulatorFixture, type EmulatorFixture } from '../../support/emulatorFixture.ts';

/**
 * The adapter relies on what ccxt 4.5.84 sends (spec binance-usdm-api): a stop order with a trigger
 * price goes to the Algo Order API, because Binance answers -4120 on /fapi/v1/order for conditional
 * types since 2025-12-09. An upgrade that changes any of this must fail here before it trades.
 */
const PINNED = '4.5.84';
const cfg = parseConfig({}).config;
const s = syntheticMarket({ seed: 5, bars: 400 });
let f: EmulatorFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe(`ccxt is pinned to ${PINNED}`, () => {
  it('package.json pins the exact version and the installed copy is that version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['ccxt']).toBe(PINNED);
    const installed = JSON.parse(readFileSync(new URL('../../../node_modules/ccxt/package.json', import.meta.url), 'utf8')) as { version: string };
    expect(installed.version).toBe(PINNED);
  });

  it('STOP_MARKET and TAKE_PROFIT_MARKET with a trigger price go to POST /fapi/v1/algoOrder (algoType CONDITIONAL)', async () => {
    const clock = new VirtualClock(s.openTime[200]! + 1_000);
    f = await emulatorFixture([s], cfg, clock);
    await f.ccxt.loadMarkets();
    await f.ccxt.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.01);
    const px = s.open[200]!;
    const before = f.emu.requests.length;
    const sl = await f.ccxt.createOrder('BTC/USDT:USDT', 'STOP_MARKET', 'sell', 0.01, undefined, { triggerPrice: Math.round(px * 0.9), closePosition: true, clientOrderId: 'pin-sl' });
    const tp = await f.ccxt.createOrder('BTC/USDT:USDT', 'TAKE_PROFIT_MARKET', 'sell', 0.01, undefined, { triggerPrice: Math.round(px * 1.1), closePosition: true, clientOrderId: 'pin-tp' });
    const sent = f.emu.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(sent).toEqual(['POST /fapi/v1/algoOrder 200', 'POST /fapi/v1/algoOrder 200']);
    expect([sl.clientOrderId, tp.clientOrderId]).toEqual(['pin-sl', 'pin-tp']);
    expect(f.emu.venue.accounts.get('test-key')!.algos.filter((a) => a.algoStatus === 'NEW').length).toBe(2);
    // and the algo orders are read back with trigger:true from the algo endpoints
    const before2 = f.emu.requests.length;
    const open = await f.ccxt.fetchOpenOrders('BTC/USDT:USDT', undefined, undefined, { trigger: true });
    expect(open.map((o) => o.clientOrderId).sort()).toEqual(['pin-sl', 'pin-tp']);
    expect(f.emu.requests.slice(before2).map((r) => r.path)).toEqual(['/fapi/v1/openAlgoOrders']);
  });

  it('the old conditional path answers -4120 (what Binance does), so a client that still used it would fail loudly', async () => {
    const clock = new VirtualClock(s.openTime[200]! + 1_000);
    f = await emulatorFixture([s], cfg, clock);
    await f.ccxt.loadMarkets();
    const market = f.ccxt.market('BTC/USDT:USDT');
    const call = (f.ccxt as unknown as { fapiPrivatePostOrder: (p: Record<string, unknown>) => Promise<unknown> }).fapiPrivatePostOrder;
    await expect(call.call(f.ccxt, { symbol: market['id'], side: 'SELL', type: 'STOP_MARKET', stopPrice: '90000', closePosition: 'true' })).rejects.toThrow(/-4120/);
  });

  it('demo trading rewrites every fapi host to demo-fapi.binance.com; live keeps fapi.binance.com', () => {
    const demo = createBinanceClient({ mode: 'demo', apiKey: 'k', secret: 's' });
    const live = createBinanceClient({ mode: 'live', apiKey: 'k', secret: 's' });
    const api = (c: typeof demo) => c.urls['api'] as Record<string, string>;
    for (const k of ['fapiPublic', 'fapiPrivate', 'fapiPrivateV2']) {
      expect(api(demo)[k]).toMatch(/^https:\/\/demo-fapi\.binance\.com\/fapi\/v\d$/);
      expect(api(live)[k]).toMatch(/^https:\/\/fapi\.binance\.com\/fapi\/v\d$/);
    }
    expect((demo.options as { enableDemoTrading?: boolean }).enableDemoTrading).toBe(true);
    // the classes our error taxonomy keys on still exist
    for (const name of ['InvalidOrder', 'InsufficientFunds', 'DDoSProtection', 'RateLimitExceeded', 'RequestTimeout', 'InvalidNonce', 'AuthenticationError', 'ExchangeNotAvailable', 'OrderNotFound']) {
      expect(typeof (E as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
