import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { createStateTable } from '../../functions/adapters/aws/createStateTable.ts';
import { DynamoStateStore } from '../../functions/adapters/aws/dynamoStateStore.ts';
import { loadCandles } from '../../functions/adapters/local/candles.ts';
import { startDynalite } from '../../functions/adapters/local/dynalite.ts';
import { verifyChain, type ChainedRecord } from '../../functions/app/auditChain.ts';
import { dailyReport } from '../../functions/app/dailyReport.ts';
import { isoDay, utcDay } from '../../functions/core/market/timeframe.ts';
import { ConcurrencyError, type DayRecord, type StateStore, type StoredState } from '../../functions/ports/stateStore.ts';
import { diffTrades, formatParity } from '../../functions/app/parity.ts';
import { runBacktest } from '../../functions/core/engine/runBacktest.ts';
import { exitAllAtEnd } from '../../functions/core/engine/runBacktest.ts';
import { barAt, sliceSeries } from '../../functions/core/market/bar.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { Harness } from '../support/barCloseHarness.ts';

const { config } = parseConfig({});

/** Replay trades + the spec's end-of-data exit on the final state (as the backtest does). */
async function replayTrades(h: Harness) {
  const trades = [...h.trades];
  const st = (await h.store.load())!.state;
  const ctx = { cfg: h.cfg, intervalMs: 300_000, stage: 'local', markets: h.cfg.markets, killSwitch: 'off' as const, decisionAgeMs: null, fundingRate: () => h.cfg.costs.funding_rate_8h, onGap: 'throw' as const };
  exitAllAtEnd(st, [barAt(h.series, h.series.length - 1)], ctx, { verbose: false, audit: () => undefined, intent: () => undefined, trade: (t) => trades.push(t), rejection: () => undefined });
  return trades;
}

describe('bar-close trader: parity with the backtest', () => {
  it('on the synthetic default market, through dynalite (real DynamoDB wire protocol)', async () => {
    const db = await startDynalite();
    try {
      await createStateTable(db.client, 'mft-parity');
      const s = syntheticMarket({ seed: 42, bars: 1500 });
      const h = new Harness(s, config, new DynamoStateStore(db.client, 'mft-parity', 'bot'));
      await h.run(0, s.length);
      const v = diffTrades(runBacktest({ cfg: config, series: [s] }).trades, await replayTrades(h));
      expect(v.backtestTrades).toBeGreaterThan(20);
      expect(formatParity(v)).toMatch(/^PARITY OK/);
      expect(verifyChain(await h.store.readAudit()).ok).toBe(true);
    } finally {
      await db.close();
    }
  });

  const BTC = '../shared/data/klines/BTCUSDT-5m-futures-2024-12-31_2026-02-19.csv.gz';
  it.skipIf(!existsSync(BTC))('on one month (31 days) of real BTCUSDT 5m bars', async () => {
    const full = loadCandles(BTC).series;
    const start = full.openTime.indexOf(Date.UTC(2025, 9, 1));
    const s = sliceSeries(full, start, start + 31 * 288);
    const h = new Harness(s, config);
    await h.run(0, s.length);
    const v = diffTrades(runBacktest({ cfg: config, series: [s] }).trades, await replayTrades(h));
    console.log(`real BTCUSDT October 2025: ${v.replayTrades} trades, ${formatParity(v).slice(0, 12)}`);
    expect(v.backtestTrades).toBeGreaterThan(10);
    expect(v).toMatchObject({ equal: true, mismatches: [] });
  });
});

describe('bar-close trader: duplicates and crashes', () => {
  const s = syntheticMarket({ seed: 42, bars: 400 });
  const ref = runBacktest({ cfg: config, series: [s] });
  // the first bar whose close decides an entry
  const firstEntrySignal = (ref.audit.find((a) => a.type === 'gates_passed')!.time as number);
  const k = (firstEntrySignal - s.openTime[0]!) / 300_000;

  it('a duplicate invocation of the same bar decides once and sends nothing twice', async () => {
    const h = new Harness(s);
    await h.run(0, k);
    const first = await h.bar(k);
    expect(first.kind).toBe('decided');
    expect(first.intents.map((i) => i.kind)).toEqual(['entry']);
    const again = await h.bar(k);
    expect(again.kind).toBe('duplicate');
    const orders = await h.exchange.fills(s.symbol, 0);
    expect(orders).toHaveLength(1);
  });

  it('a bar without orders writes no claim; duplicate and concurrent runs of it still decide once', async () => {
    const h = new Harness(s);
    await h.run(0, k - 1);
    const quiet = k - 1; // the bar before the first entry signal: no intent
    const a = h.newContainer();
    const b = h.newContainer();
    const [x, y] = await Promise.all([h.bar(quiet, a), h.bar(quiet, b)]);
    expect([x.kind, y.kind].sort()).toEqual(['decided', 'duplicate']);
    expect(x.intents.concat(y.intents)).toEqual([]);
    expect(await h.store.getBar(s.openTime[quiet]!)).toBeNull();
    expect((await h.bar(quiet)).kind).toBe('duplicate');
    const stored = (await h.store.load())!;
    expect(stored.lastBarOpenTime).toBe(s.openTime[quiet]);
    const chain = await h.store.readAudit();
    expect(verifyChain(chain).ok).toBe(true);
    const decidedThisBar = chain.map((c) => c.record as { type: string; time: number }).filter((r) => r.type === 'invocation' && r.time === s.openTime[quiet]);
    expect(decidedThisBar).toHaveLength(1); // the loser of the race wrote no second copy of the bar
    // the next bar (the entry) still claims, and trading goes on to the backtest's trades
    await h.run(k, s.length);
    expect(await h.store.getBar(s.openTime[k]!)).not.toBeNull();
    expect(formatParity(diffTrades(ref.trades, await replayTrades(h)))).toMatch(/^PARITY OK/);
  });

  // The chain's records from bar time t on.
  const recordsFrom = async (h: Harness, t: number) => (await h.store.readAudit()).map((c) => ({ seq: c.seq, ...(c.record as { type: string; time: number; rerunOf?: number }) })).filter((r) => r.time >= t);

  // A store's commit writes the audit block, then the state on its version (DESIGN section 4); this
  // container loses the state write, as a Lambda killed between the two writes would.
  const crashBetweenWrites = (store: StateStore): StateStore =>
    new Proxy(store, {
      get(obj, prop, recv) {
        const v = Reflect.get(obj, prop, recv) as unknown;
        if (prop !== 'commit') return typeof v === 'function' ? (v as Function).bind(obj) : v;
        return async (next: StoredState, _expected: number | null, audit: readonly ChainedRecord[], days?: readonly DayRecord[]) => {
          await obj.commit({ ...next, version: 1e9 + 1 }, 1e9, audit, days).catch((err: unknown) => {
            if (!(err instanceof ConcurrencyError)) throw err;
          });
          throw new Error('crash between the audit and the state writes');
        };
      },
    });

  it.each([
    ['a quiet bar', -1],
    ['the entry bar', 0],
  ])('a run of %s that crashed between its audit and state writes: the re-run adds no second copy of the bar', async (_name, offset) => {
    const bar = k + offset;
    const t = s.openTime[bar]!;
    const clean = new Harness(s);
    await clean.run(0, bar + 1);
    const want = (await recordsFrom(clean, t)).map((r) => r.type);
    const h = new Harness(s);
    await h.run(0, bar);
    await expect(h.bar(bar, h.newContainer({ store: crashBetweenWrites(h.store) }))).rejects.toThrow(/crash between/);
    h.newContainer();
    expect((await h.bar(bar)).kind).toBe('decided');
    const got = await recordsFrom(h, t);
    const [first, ...reruns] = got.filter((r) => r.type === 'invocation');
    // the crashed run's records stand for the bar; a re-run appends only what it added, naming the run it repeats
    expect(got.slice(0, want.length).map((r) => r.type)).toEqual(want);
    for (const r of reruns) expect(r.rerunOf).toBe(first!.seq);
    // nothing the bar decided is written twice; only what the re-run itself did (it resumed the
    // claimed bar and found its three orders by clientOrderId)
    const added = got.slice(want.length).map((r) => r.type);
    expect(added).toEqual(offset < 0 ? [] : ['resume', 'order_found', 'order_found', 'order_found', 'invocation']);
    // the day's report counts the bar once and says a re-run added to it
    const day = isoDay(utcDay(t));
    const [mine, theirs] = await Promise.all([dailyReport({ cfg: config, store: h.store, day }), dailyReport({ cfg: config, store: clean.store, day })]);
    expect(mine.pnl).toEqual(theirs.pnl);
    expect(mine.events.filter((e) => e.kind === 'bar_rerun')).toHaveLength(offset < 0 ? 0 : 1);
    expect(verifyChain(await h.store.readAudit()).ok).toBe(true);
    await h.run(bar + 1, s.length);
    expect(formatParity(diffTrades(ref.trades, await replayTrades(h)))).toMatch(/^PARITY OK/);
  });

  it('two runs of a quiet bar interleaved write by write: one copy of the bar, the loser of the state write is a duplicate', async () => {
    const h = new Harness(s);
    await h.run(0, k - 1);
    const quiet = k - 1;
    const gate = () => {
      let open!: () => void;
      const p = new Promise<void>((r) => (open = r));
      return { open, p };
    };
    const [aBlock, bRetrying, aCommitted] = [gate(), gate(), gate()];
    const real = h.store;
    const with_ = (commit: StateStore['commit']): StateStore =>
      new Proxy(real, { get: (obj, prop, recv) => (prop === 'commit' ? commit : ((v) => (typeof v === 'function' ? (v as Function).bind(obj) : v))(Reflect.get(obj, prop, recv) as unknown)) });
    // A writes its audit block, waits until B is on its second attempt, then writes its state
    const a = with_(async (next, expected, audit, days) => {
      await real.commit({ ...next, version: 1e9 + 1 }, 1e9, audit, days).catch(() => undefined);
      aBlock.open();
      await bRetrying.p;
      await real.commit(next, expected, [], days);
      aCommitted.open();
    });
    // B meets A's block (first attempt), then loses the state write to A (second attempt)
    let calls = 0;
    const b = with_(async (next, expected, audit, days) => {
      if (++calls === 1) await aBlock.p;
      else {
        bRetrying.open();
        await aCommitted.p;
      }
      return real.commit(next, expected, audit, days);
    });
    const [x, y] = await Promise.all([h.bar(quiet, h.newContainer({ store: a })), h.bar(quiet, h.newContainer({ store: b }))]);
    expect([x.kind, y.kind]).toEqual(['decided', 'duplicate']);
    const chain = await h.store.readAudit();
    expect(verifyChain(chain).ok).toBe(true);
    expect(chain.filter((c) => (c.record as { type: string; time: number }).type === 'invocation' && (c.record as { time: number }).time === s.openTime[quiet])).toHaveLength(1);
    expect((await h.store.load())!.lastBarOpenTime).toBe(s.openTime[quiet]);
  });

  // Crash right after each external step of the invocation that enters, then re-invoke (a new
  // container): one decision, no duplicate or lost order, same trades as the backtest, chain intact.
  const steps: Array<[string, 'store' | 'exchange' | 'killSwitch', string, number]> = [
    ['state and claim load', 'store', 'loadForBar', 1],
    ['kline fetch', 'exchange', 'closedBars', 1],
    ['fills fetch (reconcile)', 'exchange', 'fills', 1],
    ['positions fetch (reconcile)', 'exchange', 'positions', 1],
    ['bar claim', 'store', 'claim', 1],
    ['entry order accepted', 'exchange', 'placeMarket', 1],
    ['stop-loss order accepted', 'exchange', 'placeProtective', 1],
    ['take-profit order accepted', 'exchange', 'placeProtective', 2],
    ['state commit', 'store', 'commit', 1],
  ];
  it.each(steps)('crash right after %s: re-invocation converges to the backtest', async (_name, target, method, nth) => {
    const h = new Harness(s);
    await h.run(0, k);
    // a container whose `target.method` throws right after its nth call completed
    const real = { store: h.store, exchange: h.exchange, killSwitch: h.killSwitch }[target] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    let calls = 0;
    const crashing = new Proxy(real, {
      get(obj, prop, recv) {
        const v = Reflect.get(obj, prop, recv) as unknown;
        if (prop !== method || typeof v !== 'function') return typeof v === 'function' ? (v as Function).bind(obj) : v;
        return async (...args: unknown[]) => {
          const r = await (v as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
          if (++calls === nth) throw new Error(`crash after ${String(prop)} #${nth}`);
          return r;
        };
      },
    });
    const broken = h.newContainer({ [target]: crashing });
    await expect(h.bar(k, broken)).rejects.toThrow(/crash after/);
    h.newContainer(); // the retry runs in a fresh container
    const retry = await h.bar(k);
    expect(['decided', 'duplicate']).toContain(retry.kind);
    await h.run(k + 1, s.length);
    const entries = (await h.exchange.fills(s.symbol, 0)).filter((f) => f.clientOrderId.endsWith('-en'));
    expect(new Set(entries.map((f) => f.clientOrderId)).size).toBe(entries.length);
    const v = diffTrades(ref.trades, await replayTrades(h));
    expect(formatParity(v)).toMatch(/^PARITY OK/);
    expect(verifyChain(await h.store.readAudit()).ok).toBe(true);
  });

  it('an unreadable kill switch fails closed: halt, alarm, audited, no entry', async () => {
    const h = new Harness(s);
    await h.run(0, k);
    const broken = h.newContainer({ killSwitch: { read: async () => Promise.reject(new Error('SSM throttled')), write: async () => undefined } });
    const o = await h.bar(k, broken);
    expect(o.killSwitch).toBe('halt');
    expect(o.intents).toEqual([]);
    expect(h.notices.map((n) => n.subject)).toContain('kill switch unreadable: treated as halt');
    const audit = (await h.store.readAudit()).map((c) => c.record as { type: string; rule?: string; step?: string });
    expect(audit.some((r) => r.type === 'error' && r.step === 'kill_switch')).toBe(true);
    expect(audit.some((r) => r.type === 'risk_block' && r.rule === 'halted')).toBe(true);
    expect(await h.exchange.fills(s.symbol, 0)).toEqual([]);
  });

  it('restart after a container loss mid-trade: position and stops reconciled, trading continues', async () => {
    const h = new Harness(s);
    await h.run(0, k + 3); // in a position with SL/TP resting
    h.newContainer();
    await h.run(k + 3, s.length);
    expect(formatParity(diffTrades(ref.trades, await replayTrades(h)))).toMatch(/^PARITY OK/);
  });
});
