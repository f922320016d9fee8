import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base36, clientOrderId, parseClientOrderId } from '../../../functions/core/engine/clientOrderId.ts';
import { ClientOrderIdError } from '../../../functions/core/errors.ts';

describe('clientOrderId (DESIGN section 2)', () => {
  it('is mft-<stage>-<symbol>-<open time base 36>-<intent>, and parses back', () => {
    // 2025-01-01T00:00:00Z = 1735689600000 ms = m5d4ruo0 in base 36 (independently: Python integer divmod by 36)
    const id = clientOrderId('paper', 'BTCUSDT', 1735689600000, 'en');
    expect(id).toBe('mft-paper-BTCUSDT-m5d4ruo0-en');
    expect(parseClientOrderId(id)).toEqual({ stage: 'paper', symbol: 'BTCUSDT', barOpenTime: 1735689600000, intent: 'en' });
    // other stages and symbols do not share a cached prefix
    expect(clientOrderId('live', 'ETHUSDT', 1735689600000, 'tp')).toBe('mft-live-ETHUSDT-m5d4ruo0-tp');
    expect(clientOrderId('paper', 'ETHUSDT', 0, 'sl')).toBe('mft-paper-ETHUSDT-0-sl');
  });

  it('base36 equals Number#toString(36) for every safe integer, and falls back to it otherwise', () => {
    fc.assert(fc.property(fc.maxSafeNat(), (n) => base36(n) === n.toString(36)), { numRuns: 5000 });
    fc.assert(fc.property(fc.double({ noNaN: false }), (x) => base36(x) === x.toString(36)), { numRuns: 2000 });
    for (const n of [0, 1, 35, 36, 37, 1295, 1296, Number.MAX_SAFE_INTEGER]) expect(base36(n)).toBe(n.toString(36));
    expect(base36(-36)).toBe('-10');
  });

  it('refuses ids Binance would refuse, naming the id', () => {
    expect(() => clientOrderId('a-very-long-stage-name', 'BTCUSDT', 1735689600000, 'en')).toThrow(ClientOrderIdError);
    expect(() => clientOrderId('pa per', 'BTCUSDT', 0, 'en')).toThrow(/characters Binance refuses/);
  });
});
