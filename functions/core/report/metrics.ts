import type { ClosedTrade } from '../engine/events.ts';
import { InvariantError } from '../errors.ts';
import { dayEndIndices } from './dayEndIndices.ts';
import { maxDrawdown } from './maxDrawdown.ts';
import type { ExitReason, GateRule, Regime } from '../types.ts';

export interface RegimeStats {
  trades: number;
  wins: number;
  pnl: number;
}

export interface Metrics {
  bars: number;
  /** The equity the run started from (capital_usd): the first peak of the drawdown. */
  capital: number;
  trades: number;
  wins: number;
  winRate: number;
  netPnl: number;
  grossPnl: number;
  fees: number;
  funding: number;
  finalEquity: number;
  returnPct: number;
  maxDrawdownUsd: number;
  maxDrawdownPct: number;
  sharpe: number;
  exposurePct: number;
  profitFactor: number | null;
  avgTradePnl: number;
  longTrades: number;
  shortTrades: number;
  exitReasons: Partial<Record<ExitReason, number>>;
  pnlByRegime: Partial<Record<Regime, RegimeStats>>;
  regimeBars: Partial<Record<Regime, number>>;
  gateRejections: Record<GateRule, number>;
  days: number;
}

export interface MetricsInput {
  capital: number;
  trades: readonly ClosedTrade[];
  /** Equity at each bar close (spec section 5), with the bars' open times. */
  equity: ArrayLike<number>;
  times: ArrayLike<number>;
  finalEquity: number;
  exposureBars: number;
  regimeBars: Partial<Record<Regime, number>>;
  rejections: Record<GateRule, number>;
  /** `dayEndIndices(times)`, when the caller has it already (a sweep: once per series). */
  dayEnds?: Int32Array | undefined;
}

/**
 * Daily (UTC) returns of the equity at each day's last close (`dayEnds`, from `dayEndIndices`), the
 * first day against `capital`; the last day ends at `finalEquity` (after the end-of-data exit), so
 * these are the returns behind the Sharpe of `computeMetrics`, and the ones the sweep's overfitting
 * check reads (spec section 5).
 */
export function dailyReturns(capital: number, equity: ArrayLike<number>, dayEnds: Int32Array, finalEquity: number): number[] {
  const n = equity.length;
  if (n > 0 ? dayEnds[dayEnds.length - 1] !== n - 1 : dayEnds.length !== 0) throw new InvariantError(`day ends of other bars (the last must be bar ${n - 1})`, 'dayEnds', dayEnds[dayEnds.length - 1]);
  let prev = capital;
  const out: number[] = [];
  for (const i of dayEnds) {
    const e = i === n - 1 ? finalEquity : equity[i]!;
    out.push(prev !== 0 ? e / prev - 1 : 0);
    prev = e;
  }
  return out;
}

/**
 * Spec section 5 metrics. Sharpe: daily (UTC) equity returns (equity at each day's last close, the
 * first day measured against capital_usd), mean / sample std (n-1) * sqrt(365), 0 if std is 0.
 * Max drawdown on the per-close equity series (`maxDrawdown`).
 */
export function computeMetrics(m: MetricsInput): Metrics {
  const n = m.equity.length;
  const dd = maxDrawdown(m.capital, m.equity);
  const rets = dailyReturns(m.capital, m.equity, m.dayEnds ?? dayEndIndices(m.times), m.finalEquity);
  let sharpe = 0;
  if (rets.length > 1) {
    const mean = rets.reduce((a, b) => a + b, 0) / rets.length;
    const v = rets.reduce((a, r) => a + (r - mean) * (r - mean), 0) / (rets.length - 1);
    const sd = Math.sqrt(v);
    sharpe = sd > 0 ? (mean / sd) * Math.sqrt(365) : 0;
  }
  let wins = 0;
  let net = 0;
  let fees = 0;
  let funding = 0;
  let grossWin = 0;
  let grossLoss = 0;
  let longs = 0;
  const reasons: Partial<Record<ExitReason, number>> = {};
  const byRegime: Partial<Record<Regime, RegimeStats>> = {};
  for (const t of m.trades) {
    net += t.pnl;
    fees += t.fees;
    funding += t.funding;
    if (t.pnl > 0) {
      wins++;
      grossWin += t.pnl;
    } else grossLoss -= t.pnl;
    if (t.side === 1) longs++;
    reasons[t.reason] = (reasons[t.reason] ?? 0) + 1;
    const r = (byRegime[t.regime] ??= { trades: 0, wins: 0, pnl: 0 });
    r.trades++;
    if (t.pnl > 0) r.wins++;
    r.pnl += t.pnl;
  }
  const k = m.trades.length;
  return {
    bars: n,
    capital: m.capital,
    trades: k,
    wins,
    winRate: k ? wins / k : 0,
    netPnl: net,
    grossPnl: net + fees + funding,
    fees,
    funding,
    finalEquity: m.finalEquity,
    returnPct: (m.finalEquity / m.capital - 1) * 100,
    maxDrawdownUsd: dd.usd,
    maxDrawdownPct: dd.fraction * 100,
    sharpe,
    exposurePct: n ? (m.exposureBars / n) * 100 : 0,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : null,
    avgTradePnl: k ? net / k : 0,
    longTrades: longs,
    shortTrades: k - longs,
    exitReasons: reasons,
    pnlByRegime: byRegime,
    regimeBars: m.regimeBars,
    gateRejections: m.rejections,
    days: rets.length,
  };
}
