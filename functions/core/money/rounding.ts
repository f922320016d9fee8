/**
 * Money rounding, documented once (spec sections 3 and 4):
 * - quantities: floor to the LOT_SIZE step (`floor(notional/close/step)*step`, computed in float64
 *   exactly as written in the spec), then snapped to the step's decimal places so the value is the
 *   shortest decimal (0.009, not 0.009000000000000001);
 * - TP/SL trigger levels: nearest tick, ties away from zero, snapped to the tick's decimals;
 * - fill prices, fees, funding and P&L: unrounded float64 (what the spec computes); the exchange
 *   adapter rounds only what it sends (tick/step), never what it books.
 */

const decimalsCache = new Map<number, number>();
let lastStep = Number.NaN;
let lastDecimals = 0;

/** Number of decimals of a step like 0.001 -> 3, 1 -> 0, 0.5 -> 1 (cached: ticks and steps are few). */
export function decimalsOf(step: number): number {
  // Last step first: a backtest asks for the same tick again and again (a Map lookup hashes a double).
  if (step === lastStep) return lastDecimals;
  let d = decimalsCache.get(step);
  if (d === undefined) {
    d = countDecimals(step);
    decimalsCache.set(step, d);
  }
  lastStep = step;
  lastDecimals = d;
  return d;
}

function countDecimals(step: number): number {
  if (!(step > 0)) return 0;
  let d = 0;
  let x = step;
  while (d < 12 && Math.abs(Math.round(x) - x) > 1e-9 * Math.max(1, Math.abs(x))) {
    x *= 10;
    d++;
  }
  return d;
}

/** Snap a float to `d` decimals (removes binary dust after k*step). */
export function snapDecimals(x: number, d: number): number {
  return Number(x.toFixed(d));
}

/** Round half away from zero. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

/**
 * k whole steps as the shortest decimal: (k * stepUnits) / 10^d, where stepUnits = step * 10^d is an
 * integer. One correctly rounded division of two exact integers, so the result is the double nearest
 * to the decimal k*step - exactly what Number((k*step).toFixed(d)) gives, without the string round trip
 * (that cost microseconds per trade in the backtest fold).
 */
export function stepsToDecimal(k: number, step: number): number {
  const d = decimalsOf(step);
  const p = POW10[d]!;
  return (k * Math.round(step * p)) / p;
}

/** Nearest tick, ties away from zero (spec section 4, levels). */
export function roundToTick(price: number, tick: number): number {
  return stepsToDecimal(roundHalfAway(price / tick), tick);
}

/** Floor a quantity to the step (spec section 3, gate 7). */
export function floorToStep(qtyRaw: number, step: number): number {
  const k = Math.floor(qtyRaw / step);
  return k <= 0 ? 0 : stepsToDecimal(k, step);
}
