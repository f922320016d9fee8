import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../functions/core/engine/runBacktest.ts';
import { BarOrderError } from '../../../functions/core/errors.ts';
import { bars, testConfig, upMove } from '../../support/coreFixtures.ts';

describe('gaps in the data', () => {
  const rows = [...upMove(6), ...upMove(6).map(([o, h, l, c]) => [o + 20, h + 20, l + 20, c + 20] as [number, number, number, number])];
  const s = bars(rows);
  // drop bars 6..8: a 3-bar hole between bar 5 and bar 9
  const gapped = { ...s, length: s.length - 3 };
  for (const k of ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const) {
    const a = new Float64Array(s.length - 3);
    a.set(s[k].subarray(0, 6));
    a.set(s[k].subarray(9), 6);
    (gapped as Record<string, unknown>)[k] = a;
  }

  it('a backtest refuses a gap unless allowed, naming the bar', () => {
    expect(() => runBacktest({ cfg: testConfig(), series: [gapped] })).toThrow(BarOrderError);
    expect(() => runBacktest({ cfg: testConfig(), series: [gapped] })).toThrow(/gap of 3 bar\(s\) before this bar/);
  });

  it('--allow-gaps: indicator state restarts after the gap (no signal until ready again) and the report counts it', () => {
    const r = runBacktest({ cfg: testConfig(), series: [gapped], allowGaps: true });
    expect(r.gaps).toBe(1);
    expect(r.audit.find((a) => a.type === 'gap')).toMatchObject({ missingBars: 3, time: s.openTime[9] });
    // after the restart the strategy is ready again only 3 bars later (t >= 3 since the restart):
    const signals = r.audit.filter((a) => a.type === 'signal').map((a) => a.time as number);
    expect(signals.filter((t) => t >= s.openTime[9]!).every((t) => t >= s.openTime[9]! + 3 * 300_000)).toBe(true);
    expect(r.state.symbols[0]!.ind.t).toBe(s.length - 9 - 1); // bars folded since the restart, minus one
  });
});
