import { roundToTick } from '../money/rounding.ts';
import type { Side } from '../types.ts';

export interface Levels {
  readonly tp: number;
  readonly sl: number;
}

/**
 * TP/SL from the entry fill price `p` and the frozen signal ATR, rounded to the nearest tick
 * (ties away from zero). Long: TP = p + tp_atr*atr, SL = p - sl_atr*atr; short mirrored (spec section 4).
 */
export function protectiveLevels(side: Side, p: number, atr: number, tpAtr: number, slAtr: number, tick: number): Levels {
  if (side === 1) return { tp: roundToTick(p + tpAtr * atr, tick), sl: roundToTick(p - slAtr * atr, tick) };
  return { tp: roundToTick(p - tpAtr * atr, tick), sl: roundToTick(p + slAtr * atr, tick) };
}
