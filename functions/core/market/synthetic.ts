import { emptySeries, type BarSeries } from './bar.ts';
import { Rng } from './rng.ts';

export interface SyntheticOptions {
  seed: number;
  bars: number;
  symbol?: string;
  intervalMs?: number;
  /** Open time of the first bar (ms UTC). */
  start?: number;
  startPrice?: number;
  tick?: number;
}

/** 2025-01-01T00:00:00Z */
const DEFAULT_START = 1_735_689_600_000;

type Regime = 0 | 1 | 2; // range, trend up, trend down

/**
 * A seeded synthetic market: Markov-switching regimes (ranges and up/down trends lasting hours to
 * days), BTC-like 5m volatility (~0.12-0.2 % per bar) with GARCH(1,1) clustering, Student-t(4)
 * fat tails, consistent OHLC on a 0.1 tick, and volume that rises with the move. Used as the
 * embedded default market, in fixtures and in property tests. Same seed -> identical arrays.
 */
export function syntheticMarket(o: SyntheticOptions): BarSeries {
  const rng = new Rng(o.seed);
  const n = o.bars;
  const iv = o.intervalMs ?? 300_000;
  const tick = o.tick ?? 0.1;
  const s = emptySeries(o.symbol ?? 'BTCUSDT', iv, n);
  let price = o.startPrice ?? 95_000;
  let regime: Regime = 0;
  let regimeLeft = 0;
  let drift = 0;
  const base = 0.0014; // per-bar volatility target
  let variance = base * base;
  let prevShock = 0;
  const round = (x: number): number => Math.round(x / tick) * tick;
  for (let i = 0; i < n; i++) {
    if (regimeLeft <= 0) {
      const u = rng.next();
      regime = u < 0.45 ? 0 : u < 0.73 ? 1 : 2;
      // hours to days: 6h .. 3d of 5m bars (scaled to the interval)
      regimeLeft = Math.round(((6 + rng.next() * 66) * 3_600_000) / iv);
      const strength = 0.00012 + rng.next() * 0.00035;
      drift = regime === 0 ? 0 : regime === 1 ? strength : -strength;
    }
    regimeLeft--;
    // GARCH(1,1): long-run variance = base^2
    variance = base * base * 0.04 + 0.08 * prevShock * prevShock + 0.88 * variance;
    const sigma = Math.sqrt(variance);
    const shock = sigma * rng.studentT(4);
    prevShock = shock;
    // ranges mean-revert a little toward the regime's entry level
    const r = drift + shock;
    const open = i === 0 ? round(price) : rng.next() < 0.01 ? round(price * (1 + sigma * 0.3 * rng.normal())) : round(price);
    const close = round(open * Math.exp(r));
    const wickUp = Math.abs(rng.normal()) * sigma * 0.6;
    const wickDown = Math.abs(rng.normal()) * sigma * 0.6;
    const high = round(Math.max(open, close) * (1 + wickUp));
    const low = round(Math.min(open, close) * (1 - wickDown));
    s.openTime[i] = (o.start ?? DEFAULT_START) + i * iv;
    s.open[i] = snap(open, tick);
    s.high[i] = snap(Math.max(high, open, close), tick);
    s.low[i] = snap(Math.min(low, open, close), tick);
    s.close[i] = snap(close, tick);
    s.volume[i] = snap(Math.exp(rng.normal() * 0.5) * (40 + 4000 * Math.abs(r)), 0.001);
    price = close;
  }
  return s;
}

/** Remove binary dust after rounding to a tick (e.g. 95000.10000000001 -> 95000.1). */
function snap(x: number, tick: number): number {
  const d = Math.max(0, Math.round(-Math.log10(tick)));
  return Number(x.toFixed(d));
}

/** 8h funding rates around 0.01 % with noise, one per funding event in [start, end]. */
export function syntheticFunding(seed: number, start: number, end: number): { time: Float64Array; rate: Float64Array } {
  const rng = new Rng(seed ^ 0x5bd1e995);
  const step = 8 * 3_600_000;
  const first = Math.ceil(start / step) * step;
  const k = first > end ? 0 : Math.floor((end - first) / step) + 1;
  const time = new Float64Array(k);
  const rate = new Float64Array(k);
  let r = 0.0001;
  for (let i = 0; i < k; i++) {
    r = 0.0001 + 0.7 * (r - 0.0001) + 0.00006 * rng.normal();
    time[i] = first + i * step;
    rate[i] = Number(r.toFixed(8));
  }
  return { time, rate };
}

/** The embedded default market of `npm start`: 60 days of 5m BTC-like bars. */
export const DEFAULT_MARKET = { seed: 42, bars: 60 * 288, symbol: 'BTCUSDT' } as const;

export function defaultMarket(): BarSeries {
  return syntheticMarket({ seed: DEFAULT_MARKET.seed, bars: DEFAULT_MARKET.bars, symbol: DEFAULT_MARKET.symbol });
}
