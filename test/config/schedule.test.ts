import { describe, expect, it } from 'vitest';
import { wakeCron } from '../../config/schedule.ts';

describe('bar-close schedule', () => {
  it('one minute before each close, derived from the timeframe', () => {
    expect(wakeCron('5m')).toBe('cron(4/5 * * * ? *)');
    expect(wakeCron('15m')).toBe('cron(14/15 * * * ? *)');
    expect(wakeCron('1h')).toBe('cron(59 0/1 * * ? *)');
    expect(wakeCron('4h')).toBe('cron(59 3/4 * * ? *)');
    expect(wakeCron('1d')).toBe('cron(59 23 * * ? *)');
    expect(() => wakeCron('1m')).toThrow(/cannot be scheduled/);
  });
});
