import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { localReplayJob } from '../../functions/app/localReplayJob.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { formatReplayReport } from '../../functions/cli/formatReplay.ts';

// A local kill switch left on (`mft halt --stage local`, or a reconcile halt in an earlier run)
// makes the replay trade nothing while the parity backtest trades: the summary must say why, not
// only "PARITY FAILED" and a `halted` gate count.
const { config, hash } = loadConfig('config/stages/local.yaml');
const series = syntheticMarket({ seed: 21, bars: 2 * 288 });
const run = (home: string, out?: string) => localReplayJob({ cfg: config, configHash: hash, codeVersion: 'test', series, home, exchange: 'sim', out });

describe('local replay: the kill switch in the summary', () => {
  it('off: every bar decided with it off, and the summary says so', async () => {
    const r = await run(mkdtempSync(join(tmpdir(), 'mft-ks-off-')));
    expect(r.killSwitch.bars).toEqual({ off: 576, halt: 0, flatten: 0 });
    expect(r.parity.equal).toBe(true);
    const text = formatReplayReport('t', r, {});
    expect(text).toMatch(/kill switch\s+off for all 576 bars/);
  }, 120_000);

  it('left at halt: counted per bar, the file and the command that clears it are named, and the failed parity is explained', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mft-ks-halt-'));
    writeFileSync(join(home, 'halt'), 'halt\n');
    const out = mkdtempSync(join(tmpdir(), 'mft-ks-out-'));
    const r = await run(home, out);
    expect(r.killSwitch).toEqual({ file: join(home, 'halt'), bars: { off: 0, halt: 576, flatten: 0 } });
    expect(r.trades).toHaveLength(0);
    expect(r.parity.equal).toBe(false);
    const text = formatReplayReport('t', r, {});
    expect(text).toContain(`kill switch           halt for 576 of 576 bars (${join(home, 'halt')}; \`mft resume --stage local --home ${home}\` turns it off)`);
    expect(text).toContain('the kill switch was on for 576 bars of this run; the parity backtest trades with it off');
    expect(text.indexOf('the kill switch was on')).toBeLessThan(text.indexOf('PARITY FAILED'));
    // the run's files say it too: summary.json, and the report's header
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).killSwitch).toEqual(r.killSwitch);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('halt for 576 of 576 bars');
  }, 120_000);
});
