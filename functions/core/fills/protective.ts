import type { Side } from '../types.ts';

/**
 * Which protective level fires in one bar, and at what reference price (before cost).
 * The one rule both the SimBroker and the emulator's algo-order matching use (spec section 4, exits 1-2).
 *
 * `gapAllowed`: the orders were resting before this bar opened (j > entry bar t+1). Gap at open:
 * long open <= SL -> SL at open, long open >= TP -> TP at open (short mirrored). Intrabar: SL touched
 * -> SL; TP touched -> TP; both in one bar -> SL (no lower-timeframe data). NaN disables a level.
 * Returns 0 when nothing fires.
 */
export const Trigger = { None: 0, Sl: 1, Tp: 2, GapSl: 3, GapTp: 4 } as const;
export type Trigger = (typeof Trigger)[keyof typeof Trigger];

export function protectiveTrigger(
  side: Side,
  sl: number,
  tp: number,
  open: number,
  high: number,
  low: number,
  gapAllowed: boolean,
): Trigger {
  return protectiveTriggerOf(side, { sl, tp }, { open, high, low }, gapAllowed);
}

/**
 * Same rule on objects: the backtest's hot loop passes the position and the bar as they are,
 * because V8 boxes double arguments of calls it does not inline.
 */
export function protectiveTriggerOf(
  side: Side,
  lv: { readonly sl: number; readonly tp: number },
  b: { readonly open: number; readonly high: number; readonly low: number },
  gapAllowed: boolean,
): Trigger {
  const sl = lv.sl;
  const tp = lv.tp;
  const open = b.open;
  const high = b.high;
  const low = b.low;
  if (side === 1) {
    if (gapAllowed) {
      if (open <= sl) return Trigger.GapSl;
      if (open >= tp) return Trigger.GapTp;
    }
    if (low <= sl) return Trigger.Sl;
    if (high >= tp) return Trigger.Tp;
    return Trigger.None;
  }
  if (gapAllowed) {
    if (open >= sl) return Trigger.GapSl;
    if (open <= tp) return Trigger.GapTp;
  }
  if (high >= sl) return Trigger.Sl;
  if (low <= tp) return Trigger.Tp;
  return Trigger.None;
}

/**
 * With 1m detail bars inside the bar: gap rule on the bar's own open, then the first minute that
 * touches a level wins; both in the same minute -> SL (spec section 4, exit 2).
 */
export function protectiveTriggerDetail(
  side: Side,
  sl: number,
  tp: number,
  open: number,
  gapAllowed: boolean,
  dHigh: ArrayLike<number>,
  dLow: ArrayLike<number>,
  from: number,
  to: number,
): Trigger {
  if (gapAllowed) {
    const g = protectiveTrigger(side, sl, tp, open, open, open, true);
    if (g === Trigger.GapSl || g === Trigger.GapTp) return g;
  }
  for (let i = from; i < to; i++) {
    const t = protectiveTrigger(side, sl, tp, NaN, dHigh[i]!, dLow[i]!, false);
    if (t !== Trigger.None) return t;
  }
  return Trigger.None;
}

/** Reference price of a trigger: the level, or the bar open for a gap. */
export function triggerRefPrice(t: Trigger, sl: number, tp: number, open: number): number {
  switch (t) {
    case Trigger.Sl:
      return sl;
    case Trigger.Tp:
      return tp;
    case Trigger.GapSl:
    case Trigger.GapTp:
      return open;
    default:
      return NaN;
  }
}

export function triggerReason(t: Trigger): 'sl' | 'tp' | 'gap_sl' | 'gap_tp' {
  switch (t) {
    case Trigger.Sl:
      return 'sl';
    case Trigger.Tp:
      return 'tp';
    case Trigger.GapSl:
      return 'gap_sl';
    case Trigger.GapTp:
      return 'gap_tp';
    default:
      throw new Error('no trigger');
  }
}
