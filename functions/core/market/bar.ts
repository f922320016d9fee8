/** A closed kline of one symbol. `openTime` in ms UTC; the bar covers [openTime, openTime + interval). */
export interface Bar {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * Columnar bars: 6 x Float64 = 48 bytes per stored bar (issue: <= 64 bytes/bar).
 * Times are exact in a float64 (ms since epoch < 2^53).
 */
export interface BarSeries {
  readonly symbol: string;
  readonly intervalMs: number;
  readonly length: number;
  readonly openTime: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export function emptySeries(symbol: string, intervalMs: number, length: number): BarSeries {
  return {
    symbol,
    intervalMs,
    length,
    openTime: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

export function barAt(s: BarSeries, i: number): Bar {
  return {
    openTime: s.openTime[i]!,
    open: s.open[i]!,
    high: s.high[i]!,
    low: s.low[i]!,
    close: s.close[i]!,
    volume: s.volume[i]!,
  };
}

/** Copy of bars [from, to) as a new series. */
export function sliceSeries(s: BarSeries, from: number, to: number): BarSeries {
  return {
    symbol: s.symbol,
    intervalMs: s.intervalMs,
    length: Math.max(0, to - from),
    openTime: s.openTime.slice(from, to),
    open: s.open.slice(from, to),
    high: s.high.slice(from, to),
    low: s.low.slice(from, to),
    close: s.close.slice(from, to),
    volume: s.volume.slice(from, to),
  };
}

export function seriesFromBars(symbol: string, intervalMs: number, bars: readonly Bar[]): BarSeries {
  const s = emptySeries(symbol, intervalMs, bars.length);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    s.openTime[i] = b.openTime;
    s.open[i] = b.open;
    s.high[i] = b.high;
    s.low[i] = b.low;
    s.close[i] = b.close;
    s.volume[i] = b.volume;
  }
  return s;
}
