import { applyOverrides, ConfigError, parseConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import type { ClosedTrade } from '../core/engine/events.ts';
import { isoUtc } from '../core/market/timeframe.ts';
import type { Metrics } from '../core/report/metrics.ts';
import { backtestJob } from './backtestJob.ts';
import { loadRunData } from './loadRunData.ts';

export interface BacktestRequest {
  config?: Record<string, unknown> | undefined;
  symbol: string;
  from: number;
  to: number;
  /** Local paths (files already fetched, e.g. from S3 into /tmp), or none for the synthetic market. */
  data?: string | undefined;
  funding?: string | undefined;
  detail?: string | undefined;
  syntheticSeed?: number | undefined;
  maxTrades?: number | undefined;
}

export type BacktestResponse =
  | {
      ok: true;
      symbol: string;
      from: string;
      to: string;
      bars: number;
      configHash: string;
      codeVersion: string;
      dataSha256: string | null;
      metrics: Metrics;
      tradeCount: number;
      trades: Array<Record<string, unknown>>;
      truncated: boolean;
    }
  | { ok: false; error: { kind: 'invalid_event' | 'invalid_config' | 'invalid_data' | 'internal'; message: string; issues?: Array<{ path: string; message: string }> } };

const tradeRow = (t: ClosedTrade): Record<string, unknown> => ({
  entry_time: isoUtc(t.entryTime),
  exit_time: isoUtc(t.exitTime),
  side: t.side === 1 ? 'long' : 'short',
  qty: t.qty,
  entry_price: t.entryPrice,
  exit_price: t.exitPrice,
  fees: t.fees,
  funding: t.funding,
  pnl: t.pnl,
  exit_reason: t.reason,
  regime: t.regime,
});

/** The backtest use case behind the Lambda: config overrides, data, range -> metrics and trades. */
export async function runBacktestRequest(req: BacktestRequest, base: AppConfig, codeVersion: string): Promise<BacktestResponse> {
  let cfg: AppConfig;
  let hash: string;
  try {
    const merged = applyOverrides(base, { ...(req.config ?? {}), symbols: [req.symbol] }, 'event.config');
    cfg = merged.config;
    hash = merged.hash;
  } catch (err) {
    if (err instanceof ConfigError) {
      return { ok: false, error: { kind: 'invalid_config', message: err.message, issues: err.problems.map((p) => ({ path: `config.${p.path}`, message: p.message })) } };
    }
    throw err;
  }
  const data = await loadRunData({ config: cfg, data: req.data, funding: req.funding, detail: req.detail, symbol: req.symbol, from: req.from, to: req.to });
  if (data.series.length === 0) return { ok: false, error: { kind: 'invalid_data', message: `no bars between ${isoUtc(req.from)} and ${isoUtc(req.to)} in ${data.label}` } };
  if (!data.validation.ok) return { ok: false, error: { kind: 'invalid_data', message: data.validation.text } };
  const job = backtestJob({ cfg: data.config, configHash: hash, codeVersion, series: [data.series], dataSha256: data.sha256, funding: data.funding, detail: data.detail ? [data.detail] : undefined });
  const max = req.maxTrades ?? 1000;
  return {
    ok: true,
    symbol: req.symbol,
    from: isoUtc(data.series.openTime[0]!),
    to: isoUtc(data.series.openTime[data.series.length - 1]!),
    bars: data.series.length,
    configHash: hash,
    codeVersion,
    dataSha256: data.sha256 ?? null,
    metrics: job.metrics,
    tradeCount: job.result.trades.length,
    trades: job.result.trades.slice(0, max).map(tradeRow),
    truncated: job.result.trades.length > max,
  };
}

export { parseConfig };
