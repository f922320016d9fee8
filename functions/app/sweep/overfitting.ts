import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { mean, sampleKurtosis, sampleSkewness, sampleStandardDeviation } from 'simple-statistics';

/** Euler-Mascheroni constant (expected maximum of N standard normals, Bailey & Lopez de Prado 2014). */
const GAMMA = 0.5772156649015329;

// stdlib's normal CDF and quantile are accurate to double precision (simple-statistics' probit is
// off by ~5e-3 at 0.99, enough to move the DSR threshold in the third digit).
const phi = (z: number): number => normalCdf(z, 0, 1);
const probit = (p: number): number => normalQuantile(p, 0, 1);

/** Per-period Sharpe (mean / sample std); 0 for a flat series (a combination that never traded). */
export function periodSharpe(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const sd = sampleStandardDeviation(xs as number[]);
  return sd > 0 ? mean(xs as number[]) / sd : 0;
}

export interface PboResult {
  pbo: number;
  /** Number of IS/OOS splits, C(S, S/2). */
  splits: number;
  blocks: number;
  /** Periods used (T rounded down to a multiple of the block count). */
  periods: number;
  /** Logits of the OOS relative rank of the IS-best combination, one per split. */
  logits: number[];
  /** Median OOS relative rank of the IS-best combination (0.5 = no better than the median). */
  medianOosRank: number;
}

/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey,
 * Borwein, Lopez de Prado, Zhu 2015). `returns[n][t]`: period t's return of combination n. The T
 * periods are cut into S contiguous blocks; for every choice of S/2 blocks as in-sample, the
 * combination with the best in-sample Sharpe is ranked out of sample; PBO = the share of splits
 * where it lands at or below the OOS median (logit <= 0). Per-block sums make each split O(N S).
 */
export function probabilityOfBacktestOverfitting(returns: readonly (readonly number[])[], blocks = 16): PboResult {
  const N = returns.length;
  if (N < 2) throw new RangeError(`PBO needs at least 2 combinations, got ${N}`);
  if (blocks < 2 || blocks % 2 !== 0) throw new RangeError(`blocks must be even and >= 2, got ${blocks}`);
  const T0 = Math.min(...returns.map((r) => r.length));
  const len = Math.floor(T0 / blocks);
  if (len < 2) throw new RangeError(`${T0} periods are too few for ${blocks} blocks (need >= ${2 * blocks})`);
  const T = len * blocks;
  // sums[b][n], sq[b][n]
  const sums = Array.from({ length: blocks }, () => new Float64Array(N));
  const sq = Array.from({ length: blocks }, () => new Float64Array(N));
  for (let n = 0; n < N; n++) {
    const r = returns[n]!;
    for (let t = 0; t < T; t++) {
      const b = Math.floor(t / len);
      sums[b]![n]! += r[t]!;
      sq[b]![n]! += r[t]! * r[t]!;
    }
  }
  const sharpeOf = (chosen: readonly number[], n: number): number => {
    let s = 0;
    let q = 0;
    for (const b of chosen) {
      s += sums[b]![n]!;
      q += sq[b]![n]!;
    }
    const m = chosen.length * len;
    const mu = s / m;
    const v = (q - m * mu * mu) / (m - 1);
    return v > 1e-300 ? mu / Math.sqrt(v) : 0;
  };
  const logits: number[] = [];
  const ranks: number[] = [];
  const half = blocks / 2;
  const idx = Array.from({ length: blocks }, (_, b) => b);
  for (const is of combinationsOf(idx, half)) {
    const oos = idx.filter((b) => !is.includes(b));
    let best = 0;
    let bestIs = -Infinity;
    for (let n = 0; n < N; n++) {
      const v = sharpeOf(is, n);
      if (v > bestIs) {
        bestIs = v;
        best = n;
      }
    }
    const target = sharpeOf(oos, best);
    let less = 0;
    let equal = 0;
    for (let n = 0; n < N; n++) {
      const v = sharpeOf(oos, n);
      if (v < target) less++;
      else if (v === target) equal++;
    }
    const rank = less + (equal + 1) / 2; // average rank among ties, 1..N
    const w = rank / (N + 1);
    ranks.push(w);
    logits.push(Math.log(w / (1 - w)));
  }
  ranks.sort((a, b) => a - b);
  return { pbo: logits.filter((l) => l <= 0).length / logits.length, splits: logits.length, blocks, periods: T, logits, medianOosRank: ranks[Math.floor(ranks.length / 2)]! };
}

/** All k-subsets of xs in lexicographic order (C(16,8) = 12,870 for the default 16 blocks). */
function* combinationsOf(xs: readonly number[], k: number, start = 0, acc: number[] = []): Generator<number[]> {
  if (acc.length === k) {
    yield acc.slice();
    return;
  }
  for (let i = start; i <= xs.length - (k - acc.length); i++) {
    acc.push(xs[i]!);
    yield* combinationsOf(xs, k, i + 1, acc);
    acc.pop();
  }
}

export interface DsrResult {
  /** Probability that the best combination's true Sharpe is above the best of N unskilled trials. */
  dsr: number;
  /** Observed per-period Sharpe of the best combination. */
  sharpe: number;
  /** Expected maximum per-period Sharpe of `trials` unskilled trials (the deflation threshold). */
  threshold: number;
  trials: number;
  periods: number;
  skew: number;
  kurtosis: number;
}

/**
 * Deflated Sharpe ratio (Bailey and Lopez de Prado 2014): the probabilistic Sharpe ratio of the
 * best of `trials` combinations against SR0 = sqrt(V[SR_n]) ((1-g) Z^-1(1-1/N) + g Z^-1(1-1/(N e))),
 * with the skewness and (non-excess) kurtosis of the best combination's returns. Per-period units.
 */
export function deflatedSharpeRatio(best: readonly number[], trialSharpes: readonly number[]): DsrResult {
  const N = trialSharpes.length;
  const T = best.length;
  if (T < 4) throw new RangeError(`DSR needs at least 4 periods, got ${T}`);
  const sr = periodSharpe(best);
  const v = N > 1 ? sampleStandardDeviation(trialSharpes as number[]) ** 2 : 0;
  const threshold = N > 1 ? Math.sqrt(v) * ((1 - GAMMA) * probit(1 - 1 / N) + GAMMA * probit(1 - 1 / (N * Math.E))) : 0;
  const flat = sampleStandardDeviation(best as number[]) === 0;
  const skew = flat ? 0 : sampleSkewness(best as number[]);
  const kurtosis = flat ? 3 : sampleKurtosis(best as number[]) + 3;
  const denom = 1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr;
  const dsr = denom > 0 ? phi(((sr - threshold) * Math.sqrt(T - 1)) / Math.sqrt(denom)) : 0;
  return { dsr, sharpe: sr, threshold, trials: N, periods: T, skew, kurtosis };
}

/** The plain-words verdict printed in the report. */
export function overfittingVerdict(pbo: PboResult | null, dsr: DsrResult): string {
  const p = pbo ? `PBO ${(pbo.pbo * 100).toFixed(0)}%` : 'PBO n/a';
  const d = `DSR ${(dsr.dsr * 100).toFixed(0)}%`;
  if (pbo && pbo.pbo >= 0.5) return `${p}, ${d}: likely overfit. The combination that wins in sample lands at or below the median out of sample in ${(pbo.pbo * 100).toFixed(0)}% of the splits; do not trust the best row.`;
  if (dsr.dsr < 0.95) return `${p}, ${d}: not significant. After deflating for ${dsr.trials} trials the best Sharpe is not distinguishable from luck (needs DSR >= 95%).`;
  if (pbo && pbo.pbo > 0.2) return `${p}, ${d}: some edge, but fragile: the in-sample winner often disappoints out of sample.`;
  return `${p}, ${d}: the best combination's edge survives the trial count and holds out of sample across splits.`;
}
