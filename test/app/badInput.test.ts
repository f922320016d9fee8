import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { parseReply, PositionRiskSchema, ReplyShapeError } from '../../functions/adapters/binance/replySchemas.ts';
import { verifyChain } from '../../functions/app/auditChain.ts';
import type { BarCloseOutcome } from '../../functions/app/runBarClose.ts';
import { runBacktest } from '../../functions/core/engine/runBacktest.ts';
import type { Bar } from '../../functions/core/market/bar.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import type { Exchange } from '../../functions/ports/exchange.ts';
import { Harness } from '../support/barCloseHarness.ts';

const { config } = parseConfig({});
const s = syntheticMarket({ seed: 42, bars: 600 });
const ref = runBacktest({ cfg: config, series: [s] });
// the bar whose close decides the first entry: corrupting it must not trade
const k = ((ref.audit.find((a) => a.type === 'gates_passed')!.time as number) - s.openTime[0]!) / 300_000;

/** The harness exchange with closedBars rewriting the bar opening at `t`. */
function corrupting(h: Harness, t: number, bad: (b: Bar) => Bar): Exchange {
  const real = h.exchange;
  return new Proxy(real, {
    get(obj, prop, recv) {
      const v = Reflect.get(obj, prop, recv) as unknown;
      if (prop === 'closedBars') return async (...a: Parameters<Exchange['closedBars']>) => (await real.closedBars(...a)).map((b) => (b.openTime === t ? bad(b) : b));
      return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(obj) : v;
    },
  });
}

describe('bad input never trades and never overwrites the state', () => {
  it.each([
    ['NaN close', (b: Bar): Bar => ({ ...b, close: Number.NaN }), 'bad_price'],
    ['high below low', (b: Bar): Bar => ({ ...b, high: b.low - 10 }), 'ohlc_inconsistent'],
    ['negative volume', (b: Bar): Bar => ({ ...b, volume: -1 }), 'bad_volume'],
  ])('a kline with %s: audited error, alarm, no order, state unchanged; the next good run folds it', async (_n, bad, problem) => {
    const h = new Harness(s, config);
    await h.run(0, k);
    const before = await h.store.load();
    const t = s.openTime[k]!;
    const broken = h.newContainer({ exchange: corrupting(h, t, bad) });
    const o = await h.bar(k, broken);
    expect(o.kind).toBe('bad_kline');
    expect(o.intents).toEqual([]);
    expect(await h.exchange.fills(s.symbol, 0)).toEqual([]);
    const after = await h.store.load();
    expect(after!.state).toEqual(before!.state);
    expect(after!.lastBarOpenTime).toBe(before!.lastBarOpenTime);
    const chain = await h.store.readAudit();
    expect(verifyChain(chain).ok).toBe(true);
    expect(chain.at(-1)!.record).toMatchObject({ type: 'error', step: 'kline', symbol: 'BTCUSDT', time: t, problem });
    expect(h.notices.at(-1)).toMatchObject({ severity: 'critical', subject: expect.stringMatching(/^bad kline from the exchange/) });
    expect(h.metrics.points.some((p) => p.name === 'BadKline')).toBe(true);
    // the exchange serves it right again: the next invocation folds bar k (stale: no entry) and goes on
    h.newContainer();
    const next = (await h.bar(k + 1)) as BarCloseOutcome;
    expect(next.kind).toBe('decided');
    expect(next.foldedBars).toBe(2);
    expect((await h.store.load())!.lastBarOpenTime).toBe(s.openTime[k + 1]);
  });

  it('an exchange reply that fails its schema: the invocation fails with the named field, audited and alarmed, no order, state unchanged', async () => {
    const h = new Harness(s, config);
    await h.run(0, k);
    const before = await h.store.load();
    const real = h.exchange;
    const exchange = new Proxy(real, {
      get(obj, prop, recv) {
        if (prop === 'positions') return async () => parseReply(PositionRiskSchema, 'positionRisk', { symbol: 'BTCUSDT', positionSide: 'BOTH', positionAmt: 'lots', entryPrice: '0' });
        const v = Reflect.get(obj, prop, recv) as unknown;
        return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(obj) : v;
      },
    });
    const broken = h.newContainer({ exchange });
    const err = await h.bar(k, broken).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ReplyShapeError);
    expect((err as Error).message).toMatch(/^unexpected Binance positionRisk reply: positionAmt/);
    expect(await h.exchange.fills(s.symbol, 0)).toEqual([]);
    const after = await h.store.load();
    expect(after!.state).toEqual(before!.state);
    expect(after!.lastBarOpenTime).toBe(before!.lastBarOpenTime);
    const last = (await h.store.readAudit()).at(-1)!.record;
    expect(last).toMatchObject({ type: 'error', step: 'bar_close', error: 'ReplyShapeError', message: expect.stringMatching(/positionAmt/) });
    expect(h.notices.at(-1)).toMatchObject({ severity: 'critical', subject: 'bar-close failed: ReplyShapeError' });
    // fixed exchange: the retry decides the bar and trades as the backtest does
    h.newContainer();
    expect((await h.bar(k)).intents.map((i) => i.kind)).toEqual(['entry']);
  });
});
