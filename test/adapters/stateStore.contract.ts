import { describe, expect, it } from 'vitest';
import { chainRecords, GENESIS_HASH, verifyChain } from '../../functions/app/auditChain.ts';
import { newEngineState } from '../../functions/core/portfolio/engineState.ts';
import { ConcurrencyError, type OrderRecord, type StateStore, type StoredState } from '../../functions/ports/stateStore.ts';
import { parseConfig } from '../../config/load.ts';

const cfg = parseConfig({}).config;

function stored(version: number, auditSeq = 0, auditHead = GENESIS_HASH): StoredState {
  const state = newEngineState(cfg);
  state.realized = 0.1 + 0.2; // a float that must round-trip bit for bit
  state.symbols[0]!.ind.atr = 123.45678901234567;
  return { version, state, lastBarOpenTime: 1_735_689_600_000 + version * 300_000, auditSeq, auditHead, updatedAt: 1_735_700_000_000 };
}

const order = (id: string, extra: Partial<OrderRecord> = {}): OrderRecord => ({
  clientOrderId: id,
  symbol: 'BTCUSDT',
  kind: 'entry',
  side: 'buy',
  qty: 0.005,
  barOpenTime: 1_735_689_600_000,
  status: 'intent',
  updatedAt: 1,
  ...extra,
});

/** One contract for every StateStore implementation (DESIGN section 4 semantics). */
export function stateStoreContract(name: string, make: () => Promise<{ store: StateStore; done: () => Promise<void> }>): void {
  describe(`StateStore contract: ${name}`, () => {
    it('starts empty, then stores and reloads the state exactly (floats bit for bit)', async () => {
      const { store, done } = await make();
      try {
        expect(await store.load()).toBeNull();
        const s1 = stored(1);
        await store.commit(s1, null, []);
        const back = await store.load();
        expect(back).toEqual(s1);
        expect(back!.state.realized).toBe(0.30000000000000004);
        expect(JSON.stringify(back!.state)).toBe(JSON.stringify(s1.state));
      } finally {
        await done();
      }
    });

    it('every state write is conditional on the version read', async () => {
      const { store, done } = await make();
      try {
        await store.commit(stored(1), null, []);
        await expect(store.commit(stored(1), null, [])).rejects.toBeInstanceOf(ConcurrencyError);
        await store.commit(stored(2), 1, []);
        // a stale writer that read version 1 loses, and nothing is overwritten
        await expect(store.commit(stored(2), 1, [])).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await store.load())!.version).toBe(2);
      } finally {
        await done();
      }
    });

    it('claims a bar once; the claim carries its intents (one conditional write)', async () => {
      const { store, done } = await make();
      try {
        const claim = { openTime: 1_735_689_600_000, claimedAt: 1_735_689_900_500, by: 'req-1', intents: [order('mft-local-BTCUSDT-m5dhk1s0-en')] };
        expect(await store.claim(claim)).toBe('claimed');
        expect(await store.claim({ ...claim, by: 'req-2', intents: [] })).toBe('duplicate');
        expect(await store.getBar(claim.openTime)).toEqual(claim);
        expect((await store.getBar(claim.openTime))!.intents[0]).toMatchObject({ status: 'intent', qty: 0.005 });
        expect(await store.getBar(claim.openTime + 300_000)).toBeNull();
      } finally {
        await done();
      }
    });

    it('loadForBar: the state and the bar claim in one read (either may be absent)', async () => {
      const { store, done } = await make();
      try {
        const t = 1_735_689_600_000;
        expect(await store.loadForBar(t)).toEqual({ state: null, claim: null });
        const claim = { openTime: t, claimedAt: t + 300_500, by: 'req-1', intents: [order('mft-local-BTCUSDT-m5dhk1s0-en')] };
        await store.claim(claim);
        expect(await store.loadForBar(t)).toEqual({ state: null, claim });
        await store.commit(stored(1), null, []);
        const both = await store.loadForBar(t);
        expect(both.claim).toEqual(claim);
        expect(both.state).toEqual(await store.load());
        expect(both.state!.state.realized).toBe(0.1 + 0.2);
        expect((await store.loadForBar(t + 300_000)).claim).toBeNull();
      } finally {
        await done();
      }
    });

    it('order records: create once, update, list', async () => {
      const { store, done } = await make();
      try {
        expect(await store.putOrder(order('a'))).toBe('created');
        expect(await store.putOrder(order('a', { qty: 1 }))).toBe('exists');
        await store.updateOrder(order('a', { status: 'filled', avgPrice: 95_000.1, exchangeId: '4611875134427365000' }));
        expect(await store.getOrder('a')).toMatchObject({ status: 'filled', avgPrice: 95_000.1, exchangeId: '4611875134427365000', qty: 0.005 });
        await store.putOrder(order('b', { kind: 'sl', side: 'sell', triggerPrice: 94_000 }));
        expect((await store.listOrders()).map((o) => o.clientOrderId)).toEqual(['a', 'b']);
        expect(await store.getOrder('nope')).toBeNull();
      } finally {
        await done();
      }
    });

    it('audit records are append-only and chain-verifiable', async () => {
      const { store, done } = await make();
      try {
        const c1 = chainRecords([{ type: 'run_start', time: 1 }, { type: 'bar', time: 2, x: 0.1 + 0.2 }]);
        await store.commit(stored(1, 2, c1[1]!.hash), null, c1);
        const c2 = chainRecords([{ type: 'bar', time: 3 }], 2, c1[1]!.hash);
        await store.commit(stored(2, 3, c2[0]!.hash), 1, c2);
        const all = await store.readAudit();
        expect(all.map((c) => c.seq)).toEqual([0, 1, 2]);
        expect(verifyChain(all)).toEqual({ ok: true, records: 3, head: c2[0]!.hash });
        expect((await store.readAudit(1, 1)).map((c) => c.seq)).toEqual([1]);
        // an audit record can never be overwritten: a commit reusing seq 2 fails and changes nothing
        const dup = chainRecords([{ type: 'forged', time: 3 }], 2, c1[1]!.hash);
        await expect(store.commit(stored(3, 3, dup[0]!.hash), 2, dup)).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await store.load())!.version).toBe(2);
        expect((await store.readAudit(2))[0]!.record).toEqual({ type: 'bar', time: 3 });
      } finally {
        await done();
      }
    });

    it('a crash between audit and state leaves adoptable records, never a corrupt state', async () => {
      const { store, done } = await make();
      try {
        const c1 = chainRecords([{ type: 'run_start', time: 1 }]);
        await store.commit(stored(1, 1, c1[0]!.hash), null, c1);
        // A stale writer (expects version 0 -> wrong) writes its audit then fails on the state:
        const orphan = chainRecords([{ type: 'bar', time: 2 }], 1, c1[0]!.hash);
        await expect(store.commit(stored(1, 2, orphan[0]!.hash), null, orphan)).rejects.toBeInstanceOf(ConcurrencyError);
        const s = (await store.load())!;
        expect(s.version).toBe(1);
        // the record past state.auditSeq is visible for adoption and extends the chain validly
        const extra = await store.readAudit(s.auditSeq);
        expect(extra.map((c) => c.seq)).toEqual([1]);
        expect(verifyChain([...c1, ...extra]).ok).toBe(true);
      } finally {
        await done();
      }
    });

    it('start-of-day snapshots: floats round-trip, first write wins, absent day is null', async () => {
      const { store, done } = await make();
      try {
        const first = stored(1);
        await store.commit(first, null, [], [{ day: '2025-01-01', state: first.state, lastBarOpenTime: 1_735_689_300_000, auditSeq: 7 }]);
        const got = await store.getDay('2025-01-01');
        expect(got).toEqual({ day: '2025-01-01', state: first.state, lastBarOpenTime: 1_735_689_300_000, auditSeq: 7 });
        expect(got!.state.realized).toBe(0.1 + 0.2);
        // a re-run after a crash writes the day again: the first snapshot stays, the commit succeeds
        const other = stored(2);
        other.state.realized = -4.25;
        await store.commit(other, 1, [], [{ day: '2025-01-01', state: other.state, lastBarOpenTime: 1, auditSeq: 9 }]);
        expect((await store.getDay('2025-01-01'))!.auditSeq).toBe(7);
        expect((await store.getDay('2025-01-01'))!.state.realized).toBe(0.1 + 0.2);
        expect(await store.getDay('2025-01-02')).toBeNull();
      } finally {
        await done();
      }
    });
  });
}
