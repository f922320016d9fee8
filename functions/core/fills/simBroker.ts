import type { Bar } from '../market/bar.ts';
import type { FillEvent } from '../engine/events.ts';
import type { SymbolState } from '../portfolio/engineState.ts';
import type { CostsConfig, MarketFilters, StrategyParams } from '../types.ts';
import { entryFillPrice, exitFillPrice, fillCost, takerFee } from './costs.ts';
import { protectiveLevels } from './levels.ts';
import { protectiveTriggerOf, protectiveTriggerDetail, Trigger, triggerReason, triggerRefPrice } from './protective.ts';
import type { SeededDelay } from './seededDelay.ts';

const NONE: readonly FillEvent[] = Object.freeze([]) as readonly FillEvent[];

/** 1m (or any lower timeframe) bars inside the bar being simulated: highs/lows [from, to). */
export interface DetailWindow {
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  from: number;
  to: number;
}

/**
 * The simulated broker (spec section 4): the fill events of bar j for one symbol, computed from
 * the state as it was at the close of j-1 and bar j's prices. Reads, never writes, the state;
 * the step applies the events. Order: scheduled exit at the open; else the pending entry at the
 * open, then protective exits (no gap check in the entry bar); a held position gets the gap check.
 */
export function simulateBar(
  s: SymbolState,
  b: Bar,
  j: number,
  costs: CostsConfig,
  params: StrategyParams,
  market: MarketFilters,
  delay: SeededDelay | null,
  detail: DetailWindow | null,
): readonly FillEvent[] {
  const pos = s.position;
  const pend = s.pending;
  if (pos === null && pend === null) return NONE;
  const t0 = b.openTime;
  if (pos !== null && s.scheduledExit !== null) {
    const price = exitFillPrice(pos.side, b.open, fillCost(costs));
    return [
      {
        kind: 'exit',
        symbol: s.symbol,
        reason: s.scheduledExit,
        qty: pos.qty,
        price,
        fee: takerFee(costs, pos.qty, price),
        time: t0 + (delay ? delay.next() : 0),
      },
    ];
  }
  let side: 1 | -1;
  let qty: number;
  let lv: { readonly sl: number; readonly tp: number };
  let gapAllowed: boolean;
  let out: FillEvent[] | null = null;
  if (pos !== null) {
    side = pos.side;
    qty = pos.qty;
    lv = pos;
    gapAllowed = j > pos.entryBar;
  } else {
    const pe = pend!;
    side = pe.side;
    qty = pe.qty;
    const price = entryFillPrice(side, b.open, fillCost(costs));
    lv = protectiveLevels(side, price, pe.atr, params.tp_atr, params.sl_atr, market.tick);
    gapAllowed = false;
    out = [{ kind: 'entry', symbol: s.symbol, side, qty, price, fee: takerFee(costs, qty, price), time: t0 + (delay ? delay.next() : 0) }];
  }
  const trig = detail
    ? protectiveTriggerDetail(side, lv.sl, lv.tp, b.open, gapAllowed, detail.high, detail.low, detail.from, detail.to)
    : protectiveTriggerOf(side, lv, b, gapAllowed);
  if (trig === Trigger.None) return out ?? NONE;
  const price = exitFillPrice(side, triggerRefPrice(trig, lv.sl, lv.tp, b.open), fillCost(costs));
  const ev: FillEvent = {
    kind: 'exit',
    symbol: s.symbol,
    reason: triggerReason(trig),
    qty,
    price,
    fee: takerFee(costs, qty, price),
    time: trig === Trigger.GapSl || trig === Trigger.GapTp ? t0 : t0 + 1,
  };
  if (out) out.push(ev);
  else out = [ev];
  return out;
}
