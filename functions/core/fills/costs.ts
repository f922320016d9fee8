import type { CostsConfig, Side } from '../types.ts';

/** `cost = (spread_bps/2 + slippage_bps)/10_000`, applied to every market-type fill (spec section 4). */
export function fillCost(c: CostsConfig): number {
  return (c.spread_bps / 2 + c.slippage_bps) / 10_000;
}

/** Taker fee on every fill: `fee_bps/10_000 * qty * price` (spec section 4). */
export function takerFee(c: CostsConfig, qty: number, price: number): number {
  return (c.fee_bps / 10_000) * qty * price;
}

/** A market order opening `side` at reference price `ref`: buy at ref*(1+cost), sell at ref*(1-cost). */
export function entryFillPrice(side: Side, ref: number, cost: number): number {
  return side === 1 ? ref * (1 + cost) : ref * (1 - cost);
}

/** Closing a `side` position at `ref`, moved against the position: long ref*(1-cost), short ref*(1+cost). */
export function exitFillPrice(side: Side, ref: number, cost: number): number {
  return side === 1 ? ref * (1 - cost) : ref * (1 + cost);
}

/** Funding paid by a position at a funding bar: `side * qty * open * rate` (positive = paid). */
export function fundingPayment(side: Side, qty: number, open: number, rate: number): number {
  return side * qty * open * rate;
}

/** Trade P&L = side*(exit-entry)*qty - entry fee - exit fee - funding paid (spec section 5). */
export function tradePnl(
  side: Side,
  entry: number,
  exit: number,
  qty: number,
  entryFee: number,
  exitFee: number,
  funding: number,
): number {
  return side * (exit - entry) * qty - entryFee - exitFee - funding;
}
