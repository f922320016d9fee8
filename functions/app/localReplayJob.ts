import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../../config/schema.ts';
import { createStateTable } from '../adapters/aws/createStateTable.ts';
import { DynamoStateStore } from '../adapters/aws/dynamoStateStore.ts';
import { startDynalite } from '../adapters/local/dynalite.ts';
import { FileKillSwitch } from '../adapters/local/fileKillSwitch.ts';
import { LocalNotifier } from '../adapters/local/localNotifier.ts';
import type { BarSeries } from '../core/market/bar.ts';
import { computeMetrics, type Metrics } from '../core/report/metrics.ts';
import { percentiles } from '../core/report/percentiles.ts';
import { regimeBars } from '../core/report/regimeBars.ts';
import { GATE_RULES, type GateRule } from '../core/types.ts';
import { backtestJob } from './backtestJob.ts';
import { diffTrades, type ParityVerdict } from './parity.ts';
import { replay, type ReplayResult } from './replay.ts';
import { writeRunOutputs } from './writeRunOutputs.ts';

export interface LocalReplayInput {
  cfg: AppConfig;
  configHash: string;
  codeVersion: string;
  series: BarSeries;
  /** Local state directory (dynalite data, kill switch, notifications): `.mft` by default. */
  home: string;
  out?: string | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  exchange?: 'emulator' | 'sim' | undefined;
  faults?: string | undefined;
  seed?: number | undefined;
  /** Title of report.html. */
  title?: string | undefined;
}

export interface LocalReplayReport {
  replay: ReplayResult;
  metrics: Metrics;
  parity: ParityVerdict;
  latency: { wallP50: number; wallP90: number; wallP99: number; wallMax: number; barsPerMinute: number };
  rejections: Record<GateRule, number>;
  auditRecords: number;
  elapsedMs: number;
}


/**
 * DESIGN section 8: dynalite persisted under <home>/dynamo, a file kill switch (<home>/halt), a JSONL
 * notifier, the real bar-close handler per bar on a virtual clock; then the backtest over the same
 * bars and the trade-by-trade parity verdict.
 */
export async function localReplayJob(i: LocalReplayInput): Promise<LocalReplayReport> {
  const dir = join(i.home, 'dynamo');
  // The in-process exchange keeps its book in memory, so a run always starts fresh.
  rmSync(dir, { recursive: true, force: true });
  const db = await startDynalite(dir);
  const t0 = performance.now();
  try {
    await createStateTable(db.client, `mft-${i.cfg.stage.name}`);
    const store = new DynamoStateStore(db.client, `mft-${i.cfg.stage.name}`, `${i.cfg.stage.name}-${i.cfg.strategy.name}`);
    const notifier = new LocalNotifier(join(i.home, 'notifications.jsonl'));
    const r = await replay({ cfg: i.cfg, configHash: i.configHash, codeVersion: i.codeVersion, series: i.series, store, killSwitch: new FileKillSwitch(join(i.home, 'halt')), notifier, onProgress: i.onProgress, exchange: i.exchange, faults: i.faults, seed: i.seed });
    const elapsedMs = performance.now() - t0;
    const bt = backtestJob({ cfg: i.cfg, configHash: i.configHash, codeVersion: i.codeVersion, series: [i.series] });
    const parity = diffTrades(bt.result.trades, r.trades);
    const rejections = {} as Record<GateRule, number>;
    for (const g of GATE_RULES) rejections[g] = 0;
    for (const p of r.metrics.points) if (p.name === 'GateRejections' && p.dimensions?.rule) rejections[p.dimensions.rule as GateRule]++;
    // Equity of the replay from the stored state is the backtest's when parity holds; the curve comes from the backtest fold.
    const metrics = computeMetrics({
      capital: i.cfg.capital_usd,
      trades: r.trades,
      equity: bt.result.equity,
      times: i.series.openTime,
      finalEquity: i.cfg.capital_usd + r.trades.reduce((a, t) => a + t.pnl, 0),
      exposureBars: bt.result.exposureBars,
      regimeBars: regimeBars(i.series, i.cfg.strategy.params),
      rejections,
    });
    const audit = await store.readAudit();
    const wall = percentiles(r.wallMs);
    const report: LocalReplayReport = {
      replay: r,
      metrics,
      parity,
      latency: { wallP50: wall.p50 ?? 0, wallP90: wall.p90 ?? 0, wallP99: wall.p99 ?? 0, wallMax: wall.max ?? 0, barsPerMinute: (i.series.length / elapsedMs) * 60_000 },
      rejections,
      auditRecords: audit.length,
      elapsedMs,
    };
    if (i.out) {
      writeRunOutputs(i.out, {
        trades: r.trades,
        times: i.series.openTime,
        equity: bt.result.equity,
        audit: audit.map((c) => c.record as never),
        summary: { configHash: i.configHash, codeVersion: i.codeVersion, barCount: i.series.length, metrics, parity: { equal: parity.equal, backtestTrades: parity.backtestTrades, replayTrades: parity.replayTrades }, latency: report.latency, exchange: r.exchange },
        report: {
          title: i.title ?? `Replay ${i.cfg.symbols.join(',')} ${i.cfg.timeframe}`,
          meta: { stage: i.cfg.stage.name, 'config hash': i.configHash.slice(0, 16), 'code version': i.codeVersion, exchange: r.exchange.kind, bars: String(i.series.length), 'handler p99': `${report.latency.wallP99.toFixed(1)} ms` },
          series: i.series,
          metrics,
          parity,
        },
      });
      // The stored chain itself (seq, prevHash, hash) replaces the re-chained export.
      writeFileSync(join(i.out, 'audit.jsonl'), audit.map((c) => JSON.stringify(c)).join('\n') + '\n');
      writeFileSync(join(i.out, 'parity.json'), JSON.stringify(parity, null, 2) + '\n');
    }
    return report;
  } finally {
    await db.close();
  }
}
