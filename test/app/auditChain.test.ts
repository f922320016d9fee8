import { describe, expect, it } from 'vitest';
import { chainRecords, linkHash, verifyChain, GENESIS_HASH } from '../../functions/app/auditChain.ts';

describe('audit hash chain (DESIGN section 4)', () => {
  const chain = chainRecords([{ type: 'run_start', time: 1 }, { type: 'bar', time: 2, c: 95000.1 }, { type: 'fill', time: 3, price: 95010.2 }, { type: 'trade', time: 4 }]);
  it('hash = sha256(prevHash + canonical JSON); key order does not matter', () => {
    expect(chain[0]!.prevHash).toBe(GENESIS_HASH);
    expect(chain[1]!.hash).toBe(linkHash(chain[0]!.hash, { time: 2, c: 95000.1, type: 'bar' }));
    expect(verifyChain(chain)).toEqual({ ok: true, records: 4, head: chain[3]!.hash });
  });
  it('names the first tampered record', () => {
    const t = chain.map((c) => ({ ...c }));
    t[2] = { ...t[2]!, record: { type: 'fill', time: 3, price: 95010.3 } };
    expect(verifyChain(t)).toEqual({ ok: false, seq: 2, problem: 'hash does not match the record (tampered)' });
  });
  it('names a missing record', () => {
    expect(verifyChain([chain[0]!, chain[2]!, chain[3]!])).toEqual({ ok: false, seq: 1, problem: 'missing record: expected seq 1, found 2' });
  });
  it('names a re-linked record (rewritten history)', () => {
    const forged = chainRecords([{ type: 'bar', time: 2, c: 1 }], 1, chain[0]!.hash)[0]!;
    expect(verifyChain([chain[0]!, forged, chain[2]!, chain[3]!])).toEqual({ ok: false, seq: 2, problem: 'prevHash does not match the previous record' });
  });
});
