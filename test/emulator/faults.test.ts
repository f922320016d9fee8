import { describe, expect, it } from 'vitest';
import { Faults, FaultSpecError, parseFaults } from '../../functions/emulator/faults.ts';

describe('fault specs', () => {
  it('parses every part of action[=value][@endpoint][#nth][xcount][%p]', () => {
    expect(parseFaults('timeout@POST:/fapi/v1/order#2x3, latency=250; reject=-2019@order%0.25, ratelimit')).toEqual([
      { action: 'timeout', endpoint: 'POST:/fapi/v1/order', nth: 2, times: 3 },
      { action: 'latency', value: 250 },
      { action: 'reject', value: -2019, endpoint: 'order', probability: 0.25 },
      { action: 'ratelimit' },
    ]);
  });

  it('names what is wrong', () => {
    expect(() => parseFaults('explode')).toThrow(/unknown action 'explode'/);
    expect(() => parseFaults('latency')).toThrow(/'latency' needs =<number>/);
    expect(() => parseFaults('timeout%1.5')).toThrow(FaultSpecError);
    expect(() => parseFaults('timeout@')).toThrow(/expected action/);
  });

  it('#nth and xcount count matching requests only', () => {
    const f = new Faults();
    f.add('status=503@klines#2x2');
    const fired = [1, 2, 3, 4, 5].map(() => f.match('GET', '/fapi/v1/klines').length);
    expect(fired).toEqual([0, 1, 1, 0, 0]);
    expect(f.match('GET', '/fapi/v1/time')).toEqual([]);
  });

  it('%p fires with that probability, reproducibly for a seed', () => {
    const run = (seed: number) => {
      const f = new Faults(seed);
      f.add('timeout@order%0.2');
      return Array.from({ length: 2000 }, () => f.match('POST', '/fapi/v1/order').length);
    };
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
    const rate = a.reduce((x, y) => x + y, 0) / a.length;
    expect(rate).toBeGreaterThan(0.17);
    expect(rate).toBeLessThan(0.23);
    const never = new Faults(1);
    never.add('timeout%0');
    expect(Array.from({ length: 100 }, () => never.match('GET', '/x').length).every((n) => n === 0)).toBe(true);
  });
});
