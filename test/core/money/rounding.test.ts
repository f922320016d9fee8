import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalsOf, floorToStep, roundToTick, snapDecimals, stepsToDecimal } from '../../../functions/core/money/rounding.ts';

describe('money rounding (documented once in functions/core/money/rounding.ts)', () => {
  it('ticks and steps', () => {
    expect(roundToTick(109.7712, 0.01)).toBe(109.77);
    expect(roundToTick(94094.05, 0.1)).toBe(94094.1); // 94094.05 / 0.1 = 940940.5 in float64: a tie, away from zero
    expect(roundToTick(-2.5, 1)).toBe(-3); // ties away from zero
    expect(roundToTick(2.5, 1)).toBe(3);
    expect(floorToStep(500 / 106, 0.001)).toBe(4.716);
    expect(floorToStep(500 / 190.37, 1)).toBe(2);
    expect(floorToStep(90 / 95000, 0.001)).toBe(0);
    expect(stepsToDecimal(9, 0.001)).toBe(0.009); // not 0.009000000000000001
    expect([decimalsOf(0.1), decimalsOf(0.001), decimalsOf(1), decimalsOf(0.5), decimalsOf(0.0001)]).toEqual([1, 3, 0, 1, 4]);
  });
  it('the arithmetic snap equals the decimal-string snap, for every tick/step and count', () => {
    fc.assert(
      fc.property(fc.constantFrom(0.1, 0.01, 0.001, 1, 0.5, 0.0001, 0.25, 10), fc.integer({ min: 0, max: 2_000_000_000 }), (step, k) => {
        return stepsToDecimal(k, step) === snapDecimals(k * step, decimalsOf(step));
      }),
      { numRuns: 20_000 },
    );
  });
});
