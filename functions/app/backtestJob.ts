import { runBacktest, type BacktestResult } from '../core/engine/runBacktest.ts';
import type { AuditRecord } from '../core/engine/events.ts';
import type { BarSeries } from '../core/market/bar.ts';
import { computeMetrics, type Metrics } from '../core/report/metrics.ts';
import { regimeBars } from '../core/report/regimeBars.ts';
import type { KillSwitchMode, TradingConfig } from '../core/types.ts';

export interface BacktestJobInput {
  cfg: TradingConfig;
  configHash: string;
  codeVersion: string;
  /** One series per configured symbol (config order). */
  series: readonly BarSeries[];
  dataSha256?: string | undefined;
  funding?: ((symbol: string, openTime: number) => number | undefined) | undefined;
  detail?: readonly (BarSeries | null)[] | undefined;
  allowGaps?: boolean;
  killSwitch?: KillSwitchMode;
  auditVerbose?: boolean;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface BacktestJobResult {
  result: BacktestResult;
  metrics: Metrics;
  /** Run-start record first (config hash, code version, data hash), then the engine's records. */
  audit: AuditRecord[];
  summary: Record<string, unknown>;
}

/** The backtest use case shared by `mft backtest`, `npm start` and the backtest Lambda. */
export function backtestJob(input: BacktestJobInput): BacktestJobResult {
  const { cfg } = input;
  const result = runBacktest({
    cfg,
    series: input.series,
    funding: input.funding,
    detail: input.detail,
    allowGaps: input.allowGaps ?? false,
    killSwitch: input.killSwitch ?? 'off',
    auditVerbose: input.auditVerbose ?? false,
    onProgress: input.onProgress,
  });
  const s0 = input.series[0]!;
  const metrics = computeMetrics({
    capital: cfg.capital_usd,
    trades: result.trades,
    equity: result.equity,
    times: s0.openTime,
    finalEquity: result.finalEquity,
    exposureBars: result.exposureBars,
    regimeBars: regimeBars(s0, cfg.strategy.params),
    rejections: result.rejections,
  });
  const first = s0.length ? s0.openTime[0]! : null;
  const last = s0.length ? s0.openTime[s0.length - 1]! : null;
  const runStart: AuditRecord = {
    type: 'run_start',
    time: first ?? 0,
    mode: 'backtest',
    configHash: input.configHash,
    codeVersion: input.codeVersion,
    dataSha256: input.dataSha256 ?? null,
    symbols: cfg.symbols,
    bars: result.bars,
  };
  const summary = {
    configHash: input.configHash,
    codeVersion: input.codeVersion,
    dataSha256: input.dataSha256 ?? null,
    symbols: cfg.symbols,
    timeframe: cfg.timeframe,
    firstBar: first,
    lastBar: last,
    barCount: result.bars,
    gaps: result.gaps,
    allowGaps: input.allowGaps ?? false,
    metrics,
  };
  return { result, metrics, audit: [runStart, ...result.audit], summary };
}
