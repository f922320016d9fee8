import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../config/load.ts';
import { localReplayJob, ReplayStateError } from '../../functions/app/localReplayJob.ts';
import { sliceSeries } from '../../functions/core/market/bar.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { verifyChain } from '../../functions/app/auditChain.ts';
import { runBacktest } from '../../functions/core/engine/runBacktest.ts';
import { DynamoStateStore } from '../../functions/adapters/aws/dynamoStateStore.ts';
import { startDynalite } from '../../functions/adapters/local/dynalite.ts';

const { config, hash } = loadConfig('config/stages/local.yaml');
const full = syntheticMarket({ seed: 21, bars: 4 * 288 });
const run = (home: string, bars: number, extra: Partial<Parameters<typeof localReplayJob>[0]> = {}) =>
  localReplayJob({ cfg: config, configHash: hash, codeVersion: 'test', series: bars === full.length ? full : sliceSeries(full, 0, bars), home, ...extra });

describe('local replay: re-running resumes, --fresh starts over', () => {
  it.each(['sim', 'emulator'] as const)('over %s: two days, then four (resumed at bar 576), equal one four-day run trade for trade; the chain spans both runs', async (exchange) => {
    const once = await run(mkdtempSync(join(tmpdir(), 'mft-once-')), full.length, { exchange });
    expect(once.parity.equal).toBe(true);
    const home = mkdtempSync(join(tmpdir(), 'mft-resume-'));
    const a = await run(home, 2 * 288, { exchange });
    expect(a.resumedAt).toBe(0);
    expect(a.parity.equal).toBe(true);
    const b = await run(home, full.length, { exchange });
    expect(b.resumedAt).toBe(576);
    expect(b.replay.outcomes).toHaveLength(576);
    expect(b.bars).toBe(full.length);
    expect(b.trades).toEqual(once.trades);
    expect(b.parity.equal).toBe(true);
    expect(b.replay.exchange.duplicates).toEqual([]);
    // a third run has nothing to do and says the same
    const c = await run(home, full.length, { exchange });
    expect(c.replay.outcomes).toHaveLength(0);
    expect(c.trades).toEqual(once.trades);
    const db = await startDynalite(join(home, 'dynamo'));
    try {
      const chain = await new DynamoStateStore(db.client, 'mft-local', 'local-trending_v3').readAudit();
      expect(verifyChain(chain).ok).toBe(true);
    } finally {
      await db.close();
    }
  }, 240_000);

  it('a run that ends on a bar deciding an entry: the order fills at the next open of the market, and the resumed run matches one long run', async () => {
    // the bar of an entry signal: the first run's last bar decides an entry it cannot see filled
    const bt = runBacktest({ cfg: config, series: [full] });
    const k = ((bt.audit.filter((a) => a.type === 'gates_passed').map((a) => a.time as number).find((t) => t > full.openTime[300]!)! - full.openTime[0]!) / full.intervalMs);
    const once = await run(mkdtempSync(join(tmpdir(), 'mft-once-')), full.length, { exchange: 'sim' });
    const home = mkdtempSync(join(tmpdir(), 'mft-edge-'));
    const a = await run(home, k + 1, { exchange: 'sim', market: full });
    expect(a.replay.outcomes.at(-1)!.intents.map((i) => i.kind)).toEqual(['entry']);
    expect(a.replay.rejected).toEqual([]);
    expect(a.parity.equal).toBe(true);
    const b = await run(home, full.length, { exchange: 'sim' });
    expect(b.resumedAt).toBe(k + 1);
    expect(b.trades).toEqual(once.trades);
    expect(b.parity.equal).toBe(true);
  }, 240_000);

  it('Ctrl-C (the signal) stops after the bar in flight; the next run resumes there and parity holds', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mft-stop-'));
    const stop = new AbortController();
    const a = await run(home, full.length, { exchange: 'sim', signal: stop.signal, onProgress: (done) => done >= 512 && stop.abort() });
    expect(a.replay.lastIndex).toBe(512);
    expect(a.bars).toBe(513);
    expect(a.complete).toBe(false);
    expect(a.parity.equal).toBe(true); // the backtest over the same 513 bars
    const b = await run(home, full.length, { exchange: 'sim' });
    expect(b.resumedAt).toBe(513);
    expect(b.parity.equal).toBe(true);
    expect(b.parity.backtestTrades).toBeGreaterThan(a.parity.backtestTrades);
  }, 240_000);

  it('other data or another config: a clear refusal naming what changed; --fresh starts over', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mft-refuse-'));
    await run(home, 300, { exchange: 'sim' });
    const other = parseConfig({ strategy: { params: { tp_atr: 1.5 } } });
    await expect(localReplayJob({ cfg: other.config, configHash: other.hash, codeVersion: 'test', series: full, home, exchange: 'sim' })).rejects.toThrow(ReplayStateError);
    await expect(localReplayJob({ cfg: other.config, configHash: other.hash, codeVersion: 'test', series: full, home, exchange: 'sim' })).rejects.toThrow(/config hash .* run with --fresh/);
    await expect(localReplayJob({ cfg: config, configHash: hash, codeVersion: 'test', series: syntheticMarket({ seed: 22, bars: 600 }), home, exchange: 'sim' })).rejects.toThrow(/the first 300 bars differ/);
    await expect(run(home, 300, { exchange: 'emulator' })).rejects.toThrow(/exchange sim -> emulator/);
    const f = await run(home, 600, { exchange: 'sim', fresh: true });
    expect(f.resumedAt).toBe(0);
    expect(f.replay.outcomes).toHaveLength(600);
    expect(f.parity.equal).toBe(true);
  }, 240_000);
});
