import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { runBacktest } from '../../functions/core/engine/runBacktest.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { isoUtc } from '../../functions/core/market/timeframe.ts';
import { Harness } from '../support/barCloseHarness.ts';

const { config } = parseConfig({});
const s = syntheticMarket({ seed: 42, bars: 600 });
const ref = runBacktest({ cfg: config, series: [s] });
const k = ((ref.audit.find((a) => a.type === 'gates_passed')!.time as number) - s.openTime[0]!) / 300_000;
const ssmChange = (t: number) => ({ version: '0', id: 'x', 'detail-type': 'Parameter Store Change', source: 'aws.ssm', account: '0', time: isoUtc(t).replace('.000Z', 'Z'), region: 'local', resources: [], detail: { name: '/mft/local/halt', type: 'String', operation: 'Update' } });

describe('kill switch', () => {
  it('halt blocks entries and keeps managing the open position with its exchange stops', async () => {
    const h = new Harness(s);
    await h.run(0, k + 1); // entry sent at the close of bar k
    await h.killSwitch.write('halt');
    await h.run(k + 1, s.length);
    // the open trade ends exactly as in the backtest (its stops stayed at the exchange) ...
    expect(h.trades[0]).toEqual(ref.trades[0]);
    // ... and nothing else is entered
    expect(h.trades).toHaveLength(1);
    const audit = (await h.store.readAudit()).map((c) => c.record as { type: string; rule?: string; value?: string });
    expect(audit.filter((r) => r.type === 'risk_block' && r.rule === 'halted' && r.value === 'halt').length).toBeGreaterThan(0);
  });

  it('flatten closes everything within one invocation (SSM change event), audited, then behaves as halt', async () => {
    const h = new Harness(s);
    await h.run(0, k + 2); // in a position, SL/TP resting
    expect(await h.exchange.positions([s.symbol])).toHaveLength(1);
    await h.killSwitch.write('flatten');
    const handler = h.newContainer();
    h.clock.advance(30_000);
    const r = await handler(ssmChange(h.clock.now()), { awsRequestId: 'ssm-1' });
    expect(r.ok && r.outcome.kind).toBe('halt_changed');
    // flat at the exchange right away, stops canceled
    expect(await h.exchange.positions([s.symbol])).toEqual([]);
    expect(await h.exchange.openOrders(s.symbol)).toEqual([]);
    expect(h.notices.some((n) => n.subject === 'kill switch is now flatten')).toBe(true);
    // the next bar close books the exit as `flatten` and enters nothing more
    await h.run(k + 2, s.length);
    expect(h.trades.map((t) => t.reason)).toEqual(['flatten']);
    const audit = (await h.store.readAudit()).map((c) => c.record as { type: string });
    expect(audit.some((x) => x.type === 'flatten_order')).toBe(true);
  });

  it('resume (off) allows entries again', async () => {
    const h = new Harness(s);
    await h.killSwitch.write('halt');
    await h.run(0, 300);
    expect(h.trades).toHaveLength(0);
    await h.killSwitch.write('off');
    await h.run(300, s.length);
    expect(h.trades.length).toBeGreaterThan(0);
  });
});

describe('bad input never trades', () => {
  it('a malformed or foreign event is an audited rejection (notified), no order', async () => {
    const h = new Harness(s);
    await h.run(0, 2); // the bot exists: its audit chain can record the rejections
    const handler = h.newContainer();
    for (const e of [{}, { 'detail-type': 'Scheduled Event', source: 'aws.events', time: 'yesterday' }, { source: 'aws.s3', 'detail-type': 'Object Created' }]) {
      const r = await handler(e, { awsRequestId: 'bad' });
      expect(r.ok).toBe(false);
    }
    expect(h.notices.filter((n) => n.subject === 'bar-close: rejected an unknown event')).toHaveLength(3);
    expect(h.metrics.values('RejectedEvents')).toEqual([1, 1, 1]);
    expect(await h.exchange.fills(s.symbol, 0)).toEqual([]);
    const audit = await h.store.readAudit();
    expect(audit.filter((c) => (c.record as { type: string }).type === 'event_rejected')).toHaveLength(3);
  });

  it('a stored state of an unknown schema version: clear error, no order, nothing overwritten', async () => {
    const h = new Harness(s);
    await h.run(0, 3);
    const before = await h.store.readAudit();
    const bad = { load: async () => Promise.reject(Object.assign(new Error('unknown engine state schema version (state.schema=2)'), { name: 'StoredItemError' })) };
    const handler = h.newContainer({ store: { ...h.store, load: bad.load, loadForBar: bad.load, readAudit: h.store.readAudit.bind(h.store), commit: h.store.commit.bind(h.store), claim: h.store.claim.bind(h.store), getBar: h.store.getBar.bind(h.store), getOrder: h.store.getOrder.bind(h.store), putOrder: h.store.putOrder.bind(h.store), updateOrder: h.store.updateOrder.bind(h.store), listOrders: h.store.listOrders.bind(h.store), getDay: h.store.getDay.bind(h.store) } });
    await expect(h.bar(3, handler)).rejects.toThrow(/unknown engine state schema version/);
    expect(await h.store.readAudit()).toEqual(before);
    expect(await h.exchange.fills(s.symbol, 0)).toEqual([]);
  });
});
