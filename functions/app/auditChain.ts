import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/audit/canonical.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedRecord {
  seq: number;
  prevHash: string;
  hash: string;
  record: unknown;
}

/** hash = sha256(prevHash + canonical JSON of the record) (DESIGN section 4). */
export function linkHash(prevHash: string, record: unknown): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(record)).digest('hex');
}

export function chainRecords(records: readonly unknown[], startSeq = 0, prevHash = GENESIS_HASH): ChainedRecord[] {
  const out: ChainedRecord[] = [];
  let prev = prevHash;
  let seq = startSeq;
  for (const record of records) {
    const hash = linkHash(prev, record);
    out.push({ seq, prevHash: prev, hash, record });
    prev = hash;
    seq++;
  }
  return out;
}

export type ChainVerdict = { ok: true; records: number; head: string } | { ok: false; seq: number; problem: string };

/** Walks the chain and names the first broken or missing link. */
export function verifyChain(chain: readonly ChainedRecord[], startSeq = 0, prevHash = GENESIS_HASH): ChainVerdict {
  let prev = prevHash;
  let expected = startSeq;
  for (const c of chain) {
    if (c.seq !== expected) return { ok: false, seq: expected, problem: `missing record: expected seq ${expected}, found ${c.seq}` };
    if (c.prevHash !== prev) return { ok: false, seq: c.seq, problem: 'prevHash does not match the previous record' };
    const h = linkHash(prev, c.record);
    if (h !== c.hash) return { ok: false, seq: c.seq, problem: 'hash does not match the record (tampered)' };
    prev = c.hash;
    expected++;
  }
  return { ok: true, records: chain.length, head: prev };
}
