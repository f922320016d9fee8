import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replayBench } from '../../bench/replayBench.ts';
import { parseConfig } from '../../config/load.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';

// The replay-speed figure (issue #5's month per minute) is only a measure of the bot when the bot
// traded: a halted replay sends no orders and is faster. The bench's kill switch used to be one
// shared file in the temp dir, which a run that tripped a reconcile halt left at `halt` for every
// later bench, silently.
describe('the replay bench', () => {
  const stale = join(tmpdir(), 'mft-bench-nohalt');
  let before: string | null = null;
  afterEach(() => {
    if (before === null) rmSync(stale, { force: true });
    else writeFileSync(stale, before);
  });

  it('replays a trading bot (same trades through sim, emulator and dynalite; no halted bar) whatever a kill switch file left in the temp dir says', async () => {
    try {
      before = readFileSync(stale, 'utf8');
    } catch {
      before = null;
    }
    writeFileSync(stale, 'halt');
    const { config } = parseConfig({});
    const series = syntheticMarket({ seed: 7, bars: 1_500 });
    const rb = await replayBench(config, series);
    for (const run of [rb.compute, rb.emulator, rb.dynalite]) {
      expect(run.bars).toBe(1_500);
      expect(run.haltedBars).toBe(0);
      expect(run.trades).toBe(rb.compute.trades);
    }
    expect(rb.compute.trades).toBeGreaterThan(0);
  }, 120_000);
});
