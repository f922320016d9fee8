import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { VirtualClock } from '../../functions/adapters/local/clocks.ts';
import { entryFillPrice, exitFillPrice, fillCost, fundingPayment, takerFee } from '../../functions/core/fills/costs.ts';
import { protectiveTriggerOf, Trigger, triggerRefPrice } from '../../functions/core/fills/protective.ts';
import { barAt, type BarSeries } from '../../functions/core/market/bar.ts';
import { isFundingTime } from '../../functions/core/market/timeframe.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { roundToTick } from '../../functions/core/money/rounding.ts';
import type { Exchange, PlaceResult } from '../../functions/ports/exchange.ts';

export type MakeExchange = (series: BarSeries, cfg: AppConfig, clock: VirtualClock) => Promise<{ exchange: Exchange; done: () => Promise<void> }>;

const cfg = parseConfig({}).config;
const s = syntheticMarket({ seed: 7, bars: 1600 });
const IV = 300_000;
const cost = fillCost(cfg.costs);
const id = (bar: number, code: string) => `mft-local-BTCUSDT-${bar.toString(36)}-${code}`;

function ok(r: PlaceResult) {
  if (r.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.order;
}

/**
 * One contract for every Exchange implementation (DESIGN section 3): the in-process SimExchange and
 * the ccxt adapter against the emulator server must give the same answers, number for number.
 */
export function exchangeContract(name: string, make: MakeExchange): void {
  describe(`Exchange contract: ${name}`, () => {
    async function withExchange(at: number, fn: (ex: Exchange, clock: VirtualClock) => Promise<void>): Promise<void> {
      const clock = new VirtualClock(at);
      const { exchange, done } = await make(s, cfg, clock);
      try {
        await fn(exchange, clock);
      } finally {
        await done();
      }
    }

    it('server time, and the exchange filters of the config', async () => {
      await withExchange(s.openTime[10]! + 1_000, async (ex, clock) => {
        expect(await ex.serverTime()).toBe(clock.now());
        expect(await ex.markets(['BTCUSDT'])).toEqual({ BTCUSDT: { symbol: 'BTCUSDT', tick: 0.1, step: 0.001, minNotional: 100, minQty: 0.001 } });
      });
    });

    it('closed bars only: never the forming bar; since/limit; more than one page', async () => {
      const k = 1_234;
      await withExchange(s.openTime[k]! + 1_000, async (ex) => {
        const all = await ex.closedBars('BTCUSDT', '5m', s.openTime[0]!, 1_500);
        expect(all).toHaveLength(k);
        expect(all[0]).toEqual(barAt(s, 0));
        expect(all[k - 1]).toEqual(barAt(s, k - 1));
        for (let i = 1; i < all.length; i++) expect(all[i]!.openTime - all[i - 1]!.openTime).toBe(IV);
        expect(await ex.closedBars('BTCUSDT', '5m', undefined, 3)).toEqual([barAt(s, k - 3), barAt(s, k - 2), barAt(s, k - 1)]);
        expect(await ex.closedBars('BTCUSDT', '5m', s.openTime[k - 2]!, 10)).toEqual([barAt(s, k - 2), barAt(s, k - 1)]);
        expect(await ex.closedBars('BTCUSDT', '5m', s.openTime[k]!, 10)).toEqual([]);
      });
    });

    it('a market entry fills at the forming bar open moved by the cost model; position, fee, fills', async () => {
      const k = 400;
      await withExchange(s.openTime[k]! + 2_000, async (ex, clock) => {
        const o = ok(await ex.placeMarket('BTCUSDT', 'buy', 0.012, id(k, 'en'), false));
        const price = entryFillPrice(1, s.open[k]!, cost);
        expect(o).toMatchObject({ clientOrderId: id(k, 'en'), side: 'buy', type: 'market', status: 'filled', qty: 0.012, filledQty: 0.012, avgPrice: price, reduceOnly: false });
        expect(await ex.positions(['BTCUSDT'])).toEqual([{ symbol: 'BTCUSDT', qty: 0.012, entryPrice: price }]);
        const fills = await ex.fills('BTCUSDT', s.openTime[k]!);
        expect(fills).toHaveLength(1);
        expect(fills[0]).toMatchObject({ clientOrderId: id(k, 'en'), side: 'buy', qty: 0.012, price, fee: takerFee(cfg.costs, 0.012, price), time: clock.now() });
        expect(await ex.findOrder('BTCUSDT', id(k, 'en'))).toMatchObject({ status: 'filled', avgPrice: price });
        const b = await ex.balance();
        expect(b.total).toBeCloseTo(cfg.capital_usd - takerFee(cfg.costs, 0.012, price) + 0.012 * (s.open[k]! - price), 9);
      });
    });

    it('protective orders: both rest, the first touched fires by the spec rule, the other expires, flat', async () => {
      const k = 600;
      await withExchange(s.openTime[k]! + 2_000, async (ex, clock) => {
        const entry = ok(await ex.placeMarket('BTCUSDT', 'sell', 0.01, id(k, 'en'), false)).avgPrice;
        const sl = roundToTick(entry * 1.004, 0.1);
        const tp = roundToTick(entry * 0.994, 0.1);
        ok(await ex.placeProtective('BTCUSDT', 'buy', 'sl', sl, id(k, 'sl')));
        ok(await ex.placeProtective('BTCUSDT', 'buy', 'tp', tp, id(k, 'tp')));
        const open = await ex.openOrders('BTCUSDT');
        expect(open.map((o) => [o.clientOrderId, o.type, o.status, o.triggerPrice, o.closePosition]).sort()).toEqual(
          [
            [id(k, 'sl'), 'stop_market', 'open', sl, true],
            [id(k, 'tp'), 'take_profit_market', 'open', tp, true],
          ].sort(),
        );
        // expected: the first bar (from k) where the rule fires; gap allowed only after the entry bar
        let j = k;
        let trig: Trigger = Trigger.None;
        for (; j < s.length; j++) {
          trig = protectiveTriggerOf(-1, { sl, tp }, barAt(s, j), j > k);
          if (trig !== Trigger.None) break;
        }
        expect(trig).not.toBe(Trigger.None);
        clock.set(s.openTime[j]! + IV + 1_000);
        expect(await ex.positions(['BTCUSDT'])).toEqual([]);
        expect(await ex.openOrders('BTCUSDT')).toEqual([]);
        const firedCode = trig === Trigger.Sl || trig === Trigger.GapSl ? 'sl' : 'tp';
        const otherCode = firedCode === 'sl' ? 'tp' : 'sl';
        expect((await ex.findOrder('BTCUSDT', id(k, firedCode)))!.status).toBe('triggered');
        expect((await ex.findOrder('BTCUSDT', id(k, otherCode)))!.status).toBe('expired');
        const fills = await ex.fills('BTCUSDT', s.openTime[k]!);
        const exitPrice = exitFillPrice(-1, triggerRefPrice(trig, sl, tp, s.open[j]!), cost);
        expect(fills.map((f) => [f.clientOrderId, f.side, f.qty, f.price])).toEqual([
          [id(k, 'en'), 'sell', 0.01, entry],
          [id(k, firedCode), 'buy', 0.01, exitPrice],
        ]);
        expect(await ex.cancel('BTCUSDT', id(k, otherCode))).toBe('not_found');
      });
    });

    it('cancel an open protective order, then it is gone; unknown ids are not found', async () => {
      const k = 700;
      await withExchange(s.openTime[k]! + 2_000, async (ex) => {
        const entry = ok(await ex.placeMarket('BTCUSDT', 'buy', 0.01, id(k, 'en'), false)).avgPrice;
        ok(await ex.placeProtective('BTCUSDT', 'sell', 'sl', roundToTick(entry * 0.9, 0.1), id(k, 'sl')));
        expect(await ex.cancel('BTCUSDT', id(k, 'sl'))).toBe('canceled');
        expect(await ex.cancel('BTCUSDT', id(k, 'sl'))).toBe('not_found');
        expect((await ex.findOrder('BTCUSDT', id(k, 'sl')))!.status).toBe('canceled');
        expect(await ex.openOrders('BTCUSDT')).toEqual([]);
        expect(await ex.findOrder('BTCUSDT', id(k + 1, 'en'))).toBeNull();
        expect(await ex.cancel('BTCUSDT', id(k + 1, 'sl'))).toBe('not_found');
      });
    });

    it('definitive rejections come back as values with the Binance code', async () => {
      const k = 800;
      await withExchange(s.openTime[k]! + 2_000, async (ex) => {
        expect(await ex.placeMarket('BTCUSDT', 'sell', 0.01, id(k, 'tx'), true)).toMatchObject({ kind: 'rejected', code: -2022 });
        expect(await ex.placeMarket('BTCUSDT', 'buy', 0.001, id(k, 'en'), false)).toMatchObject({ kind: 'rejected', code: -4164 });
        expect(await ex.placeMarket('BTCUSDT', 'buy', 100, id(k + 1, 'en'), false)).toMatchObject({ kind: 'rejected', code: -2019 });
        const entry = ok(await ex.placeMarket('BTCUSDT', 'buy', 0.01, id(k + 2, 'en'), false)).avgPrice;
        // a stop above the price for a long would fire at once
        expect(await ex.placeProtective('BTCUSDT', 'sell', 'sl', roundToTick(entry * 1.05, 0.1), id(k + 2, 'sl'))).toMatchObject({ kind: 'rejected', code: -2021 });
        expect(await ex.positions(['BTCUSDT'])).toEqual([{ symbol: 'BTCUSDT', qty: 0.01, entryPrice: entry }]);
      });
    });

    it('reduce-only exit closes the position at the forming open; realised P&L in the balance', async () => {
      const k = 900;
      await withExchange(s.openTime[k]! + 2_000, async (ex, clock) => {
        const entry = ok(await ex.placeMarket('BTCUSDT', 'buy', 0.02, id(k, 'en'), false)).avgPrice;
        clock.set(s.openTime[k + 5]! + 2_000);
        const exit = ok(await ex.placeMarket('BTCUSDT', 'sell', 0.02, id(k, 'tx'), true));
        expect(exit.avgPrice).toBe(exitFillPrice(1, s.open[k + 5]!, cost));
        expect(await ex.positions(['BTCUSDT'])).toEqual([]);
        const b = await ex.balance();
        let funding = 0;
        for (let j = k + 1; j <= k + 5; j++) if (isFundingTime(s.openTime[j]!)) funding += fundingPayment(1, 0.02, s.open[j]!, cfg.costs.funding_rate_8h);
        const pnl = 0.02 * (exit.avgPrice - entry) - takerFee(cfg.costs, 0.02, entry) - takerFee(cfg.costs, 0.02, exit.avgPrice) - funding;
        expect(b.total).toBeCloseTo(cfg.capital_usd + pnl, 9);
      });
    });
  });
}
