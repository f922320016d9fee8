import { describe, expect, it } from 'vitest';
import { chainRecords } from '../../functions/app/auditChain.ts';
import { recordsToAdd } from '../../functions/app/recordsToAdd.ts';
import type { AuditRecord } from '../../functions/core/engine/events.ts';

const T = 1_735_711_200_000;
const bar: AuditRecord = { type: 'bar', time: T, symbol: 'BTCUSDT', bar: { o: 1, h: 2, l: 0.5, c: 1.5, v: 3 } };
const decision: AuditRecord = { type: 'decision', time: T, symbol: 'BTCUSDT', decision: 'no_signal', folded: 'current' };
const invocation = (requestId: string, killSwitch = 'off'): AuditRecord => ({ type: 'invocation', time: T, requestId, klineDelayMs: 1000, ackMs: null, killSwitch });
// orphans as the store returns them: chained from seq 40 and read back through JSON
const stored = (records: AuditRecord[]) => JSON.parse(JSON.stringify(chainRecords(records, 40))) as ReturnType<typeof chainRecords>;

describe('recordsToAdd: a re-run meeting orphaned records', () => {
  it('orphans of an earlier bar (its run crashed before its state write): every record of this run is new', () => {
    const earlier = stored([{ ...bar, time: T - 300_000 }, { ...invocation('a'), time: T - 300_000 }]);
    const mine = [bar, decision, invocation('b')];
    expect(recordsToAdd(mine, earlier, T)).toEqual(mine);
  });

  it('a run of this bar decided the same: nothing is added (as an early-exit duplicate writes nothing)', () => {
    expect(recordsToAdd([bar, decision, invocation('b')], stored([bar, decision, invocation('a')]), T)).toEqual([]);
  });

  it('what the re-run did besides is appended, its invocation naming the one it repeats', () => {
    const halt: AuditRecord = { type: 'risk_block', time: T, symbol: 'BTCUSDT', rule: 'halted' };
    const got = recordsToAdd([bar, halt, invocation('b', 'halt')], stored([bar, decision, invocation('a')]), T);
    expect(got).toEqual([halt, { ...invocation('b', 'halt'), rerunOf: 42 }]);
  });

  it('copies are counted: a record this run wrote twice, once in the orphans, is added once', () => {
    const fill: AuditRecord = { type: 'fill', time: T, symbol: 'BTCUSDT', qty: 0.005, fee: 0.19 };
    const got = recordsToAdd([bar, fill, fill, invocation('b')], stored([bar, fill, invocation('a')]), T);
    expect(got).toEqual([fill, { ...invocation('b'), rerunOf: 42 }]);
  });
});
