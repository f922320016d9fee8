import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import type { Bar } from '../../functions/core/market/bar.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { runBacktest } from '../../functions/core/engine/runBacktest.ts';
import { Harness } from '../support/barCloseHarness.ts';
import type { Exchange } from '../../functions/ports/exchange.ts';

const { config } = parseConfig({});
const s = syntheticMarket({ seed: 42, bars: 600 });
const ref = runBacktest({ cfg: config, series: [s] });
const k = ((ref.audit.find((a) => a.type === 'gates_passed')!.time as number) - s.openTime[0]!) / 300_000;

describe('missed and late bars', () => {
  it('a kline that never arrives: no decision, alarm; the next invocation folds it as stale and never trades on it', async () => {
    const h = new Harness(s);
    await h.run(0, k);
    // the exchange hides bar k (late kline) for this one invocation
    const hiding: Exchange = new Proxy(h.exchange, {
      get(obj, prop, recv) {
        const v = Reflect.get(obj, prop, recv) as unknown;
        if (prop !== 'closedBars') return typeof v === 'function' ? (v as Function).bind(obj) : v;
        return async (...a: [string, string, number | undefined, number]) => (await obj.closedBars(...a)).filter((b: Bar) => b.openTime < s.openTime[k]!);
      },
    });
    const late = await h.bar(k, h.newContainer({ exchange: hiding, maxKlineWaitMs: 5_000 }));
    expect(late.kind).toBe('kline_missing');
    expect(h.notices.some((n) => n.severity === 'critical' && n.subject.includes('missing'))).toBe(true);
    h.newContainer();
    const next = await h.bar(k + 1);
    expect(next.foldedBars).toBe(2);
    // bar k's entry signal was stale: blocked by the stale_bar gate, no order for it
    const audit = (await h.store.readAudit()).map((c) => c.record as { type: string; rule?: string; time: number });
    expect(audit.some((r) => r.type === 'risk_block' && r.rule === 'stale_bar' && r.time === s.openTime[k])).toBe(true);
    expect(audit.some((r) => r.type === 'skipped_stale' && r.time === s.openTime[k])).toBe(true);
    expect((await h.exchange.fills(s.symbol, 0)).filter((f) => f.clientOrderId.includes(s.openTime[k]!.toString(36)))).toEqual([]);
    // state is exactly one fold per bar: the next bar continues from bar k+1
    expect((await h.store.load())!.lastBarOpenTime).toBe(s.openTime[k + 1]);
  });

  it('a late kline (arrives while polling) is measured and traded normally', async () => {
    const h = new Harness(s);
    await h.run(0, k);
    let calls = 0;
    const slow: Exchange = new Proxy(h.exchange, {
      get(obj, prop, recv) {
        const v = Reflect.get(obj, prop, recv) as unknown;
        if (prop !== 'closedBars') return typeof v === 'function' ? (v as Function).bind(obj) : v;
        return async (...a: [string, string, number | undefined, number]) => {
          const bars = await obj.closedBars(...a);
          return ++calls <= 3 ? bars.filter((b: Bar) => b.openTime < s.openTime[k]!) : bars;
        };
      },
    });
    const o = await h.bar(k, h.newContainer({ exchange: slow, pollMs: 2_000, settleMs: 1_000 }));
    expect(o.kind).toBe('decided');
    expect(o.klineDelayMs).toBe(1_000 + 3 * 2_000);
    expect(o.intents.map((i) => i.kind)).toEqual(['entry']);
  });
});
