import type { AuditRecord } from '../core/engine/events.ts';
import type { ChainedRecord } from './auditChain.ts';

/**
 * The records a bar-close run appends when its first commit met orphans: audit records after the
 * committed state's `auditSeq`, written by a run that lost its state write (killed between the two
 * writes of a commit, or a duplicate invocation of the same bar committing at the same time).
 * If one of them decided this same bar (its `invocation` record), the chain already holds that
 * decision: records this run shares with the orphans are not written again, so no bar appears twice
 * and the daily report counts no fee or rejection twice. A re-run that decided exactly the same adds
 * nothing, as an early-exit duplicate does. One that did something the other did not (a kill switch
 * flipped in between, an order looked up rather than sent) appends only those records, and its
 * `invocation` record names the one it repeats (`rerunOf`: that record's seq).
 * Otherwise (orphans of an earlier bar's crashed run) every record of this run is new.
 */
export function recordsToAdd(audit: readonly AuditRecord[], orphans: readonly ChainedRecord[], barOpenTime: number): AuditRecord[] {
  const earlier = orphans.find((o) => isInvocationOf(o.record, barOpenTime));
  if (earlier === undefined) return [...audit];
  // the orphans as stored (JSON), counted: a record written twice by this run is kept once per copy there
  const there = new Map<string, number>();
  for (const o of orphans) {
    const key = JSON.stringify(o.record);
    there.set(key, (there.get(key) ?? 0) + 1);
  }
  const fresh = audit.filter((r) => {
    if (r.type === 'invocation') return false;
    const key = JSON.stringify(r);
    const n = there.get(key) ?? 0;
    if (n > 0) there.set(key, n - 1);
    return n === 0;
  });
  if (fresh.length === 0) return [];
  const own = audit.filter((r) => r.type === 'invocation').map((r) => ({ ...r, rerunOf: earlier.seq }));
  return [...fresh, ...own];
}

function isInvocationOf(r: unknown, barOpenTime: number): boolean {
  return typeof r === 'object' && r !== null && (r as AuditRecord).type === 'invocation' && (r as AuditRecord).time === barOpenTime;
}
