import type { AuditRecord } from '../core/engine/events.ts';
import type { StateStore } from '../ports/stateStore.ts';
import { chainRecords } from './auditChain.ts';

/**
 * Append records to the bot's audit chain outside a bar decision (rejected events, halt changes):
 * the state is rewritten unchanged with its version bumped, so the write stays conditional.
 * Before the bot's first state exists there is no chain to extend; returns false then.
 */
export async function appendAudit(store: StateStore, records: AuditRecord[], now: number): Promise<boolean> {
  const stored = await store.load();
  if (!stored || records.length === 0) return false;
  const chain = chainRecords(records, stored.auditSeq, stored.auditHead);
  await store.commit({ ...stored, version: stored.version + 1, auditSeq: stored.auditSeq + chain.length, auditHead: chain[chain.length - 1]!.hash, updatedAt: now }, stored.version, chain);
  return true;
}
