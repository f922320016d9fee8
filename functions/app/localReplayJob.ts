import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppConfig } from '../../config/schema.ts';
import { createStateTable } from '../adapters/aws/createStateTable.ts';
import { DynamoStateStore } from '../adapters/aws/dynamoStateStore.ts';
import { startDynalite } from '../adapters/local/dynalite.ts';
import { FileKillSwitch } from '../adapters/local/fileKillSwitch.ts';
import { LocalNotifier } from '../adapters/local/localNotifier.ts';
import { sliceSeries, type BarSeries } from '../core/market/bar.ts';
import type { ClosedTrade } from '../core/engine/events.ts';
import type { VenueSnapshot } from '../emulator/venue.ts';
import { tradesFromAudit } from './auditTrades.ts';
import { computeMetrics, type Metrics } from '../core/report/metrics.ts';
import { percentiles } from '../core/report/percentiles.ts';
import { regimeBars } from '../core/report/regimeBars.ts';
import { GATE_RULES, type GateRule, type KillSwitchMode } from '../core/types.ts';
import { backtestJob } from './backtestJob.ts';
import { diffTrades, type ParityVerdict } from './parity.ts';
import { killSwitchModes, replay, type ReplayResult } from './replay.ts';
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
  /** The exchange's market when it runs past `series` (see ReplayOptions.market). */
  market?: BarSeries | undefined;
  /** Start over (default: resume from `<home>`'s stored state and exchange book). */
  fresh?: boolean | undefined;
  /** Stop after the current bar (Ctrl-C); the next run resumes there. */
  signal?: AbortSignal | undefined;
  /** Title of report.html. */
  title?: string | undefined;
}

export interface LocalReplayReport {
  replay: ReplayResult;
  /** Every trade of the replay so far (all runs, from the audit trail) plus the end-of-data exits. */
  trades: ClosedTrade[];
  /** Bars replayed in all runs, and where this run started (0 unless it resumed). */
  bars: number;
  /** Every bar of `series` has been replayed (false after Ctrl-C). */
  complete: boolean;
  resumedAt: number;
  metrics: Metrics;
  parity: ParityVerdict;
  latency: { wallP50: number; wallP90: number; wallP99: number; wallMax: number; barsPerMinute: number };
  rejections: Record<GateRule, number>;
  auditRecords: number;
  elapsedMs: number;
  /**
   * The local kill switch (a file) and the mode each bar of this run was decided with: a switch
   * left on trades nothing while the parity backtest trades, and the summary has to say so.
   */
  killSwitch: { file: string; bars: Record<KillSwitchMode, number> };
}


/** How this run's bars were decided: all off, or how many with the switch on and how to clear it. */
export function killSwitchSummary(k: LocalReplayReport['killSwitch']): string {
  const { file, bars } = k;
  const total = bars.off + bars.halt + bars.flatten;
  if (bars.off === total) return `off for all ${total} bars`;
  const on = [bars.halt ? `halt for ${bars.halt}` : '', bars.flatten ? `flatten for ${bars.flatten}` : ''].filter(Boolean).join(', ');
  return `${on} of ${total} bars (${file}; \`mft resume --stage local --home ${dirname(file)}\` turns it off)`;
}

/** `<home>/replay.json`: what a resumed run must match, and the exchange book to continue on. */
interface ReplayCheckpoint {
  version: 1;
  configHash: string;
  exchange: 'emulator' | 'sim';
  symbol: string;
  intervalMs: number;
  /** Index of the last bar invoked, and the sha256 of the bars up to it (the data may grow, not change). */
  lastIndex: number;
  barsSha256: string;
  venue: VenueSnapshot;
}

/** sha256 of the first `n` bars (all six columns, as stored). */
function barsSha(s: BarSeries, n: number): string {
  const h = createHash('sha256').update(`${s.symbol}/${s.intervalMs}/${n}`);
  for (const c of [s.openTime, s.open, s.high, s.low, s.close, s.volume]) h.update(new Uint8Array(c.buffer, c.byteOffset, n * 8));
  return h.digest('hex');
}

export class ReplayStateError extends Error {
  override readonly name = 'ReplayStateError';
}

/**
 * DESIGN section 8: dynalite persisted under <home>/dynamo, a file kill switch (<home>/halt), a JSONL
 * notifier, the real bar-close handler per bar on a virtual clock; then the backtest over the same
 * bars and the trade-by-trade parity verdict. A re-run resumes: the store keeps the bot's state and
 * `<home>/replay.json` the exchange's book, so the next run starts at the bar after the last one
 * (with more data, it goes on; with other data or another config it refuses). `fresh` starts over.
 * The replay's trades are read back from the audit trail, so they span every run.
 */
export async function localReplayJob(i: LocalReplayInput): Promise<LocalReplayReport> {
  const dir = join(i.home, 'dynamo');
  const checkpointPath = join(i.home, 'replay.json');
  const kind = i.exchange ?? 'emulator';
  let resume: ReplayCheckpoint | null = null;
  if (!i.fresh && existsSync(dir)) {
    if (!existsSync(checkpointPath)) throw new ReplayStateError(`${dir} holds a replay whose exchange book was not saved (stopped without Ctrl-C?): run with --fresh to start over`);
    const saved = JSON.parse(readFileSync(checkpointPath, 'utf8')) as ReplayCheckpoint;
    const why: string[] = [];
    if (saved.version !== 1) why.push(`checkpoint version ${String(saved.version)}`);
    if (saved.configHash !== i.configHash) why.push(`config hash ${saved.configHash.slice(0, 12)} -> ${i.configHash.slice(0, 12)}`);
    if (saved.exchange !== kind) why.push(`exchange ${saved.exchange} -> ${kind}`);
    if (saved.symbol !== i.series.symbol || saved.intervalMs !== i.series.intervalMs) why.push(`market ${saved.symbol} -> ${i.series.symbol}`);
    else if (saved.lastIndex >= i.series.length) why.push(`${saved.lastIndex + 1} bars were replayed already, these data hold ${i.series.length}`);
    else if (barsSha(i.series, saved.lastIndex + 1) !== saved.barsSha256) why.push(`the first ${saved.lastIndex + 1} bars differ from the ones replayed`);
    if (why.length) throw new ReplayStateError(`${i.home} holds a replay of other inputs (${why.join('; ')}): run with --fresh to start over`);
    resume = saved;
  } else {
    rmSync(dir, { recursive: true, force: true });
    rmSync(checkpointPath, { force: true });
  }
  const db = await startDynalite(dir);
  const t0 = performance.now();
  try {
    const table = `mft-${i.cfg.stage.name}`;
    if (!resume) await createStateTable(db.client, table);
    const store = new DynamoStateStore(db.client, table, `${i.cfg.stage.name}-${i.cfg.strategy.name}`);
    if (resume) {
      const st = await store.load();
      if (st?.lastBarOpenTime !== i.series.openTime[resume.lastIndex]) throw new ReplayStateError(`the stored state (last bar ${st?.lastBarOpenTime ?? 'none'}) and the saved exchange book (bar ${i.series.openTime[resume.lastIndex]}) disagree: run with --fresh`);
    }
    const notifier = new LocalNotifier(join(i.home, 'notifications.jsonl'));
    const killSwitchFile = join(i.home, 'halt');
    const r = await replay({ cfg: i.cfg, configHash: i.configHash, codeVersion: i.codeVersion, series: i.series, market: i.market, store, killSwitch: new FileKillSwitch(killSwitchFile), notifier, onProgress: i.onProgress, exchange: kind, faults: i.faults, seed: i.seed, startIndex: resume ? resume.lastIndex + 1 : 0, venue: resume?.venue, signal: i.signal });
    const elapsedMs = performance.now() - t0;
    if (r.lastIndex >= 0) {
      const cp: ReplayCheckpoint = { version: 1, configHash: i.configHash, exchange: kind, symbol: i.series.symbol, intervalMs: i.series.intervalMs, lastIndex: r.lastIndex, barsSha256: barsSha(i.series, r.lastIndex + 1), venue: r.venue };
      writeFileSync(`${checkpointPath}.tmp`, JSON.stringify(cp));
      renameSync(`${checkpointPath}.tmp`, checkpointPath);
    }
    // Everything replayed so far (this run and the ones it resumes): bars 0..lastIndex.
    const upTo = Math.max(r.lastIndex, resume?.lastIndex ?? -1) + 1;
    const bars = upTo === i.series.length ? i.series : sliceSeries(i.series, 0, upTo);
    const auditAll = await store.readAudit();
    const records = auditAll.map((c) => c.record as { type: string; rule?: string });
    const trades = [...tradesFromAudit(records), ...r.endTrades];
    const bt = backtestJob({ cfg: i.cfg, configHash: i.configHash, codeVersion: i.codeVersion, series: [bars] });
    const parity = diffTrades(bt.result.trades, trades);
    const rejections = {} as Record<GateRule, number>;
    for (const g of GATE_RULES) rejections[g] = 0;
    for (const rec of records) if (rec.type === 'risk_block' && rec.rule) rejections[rec.rule as GateRule]++;
    // Equity of the replay from the stored state is the backtest's when parity holds; the curve comes from the backtest fold.
    const metrics = computeMetrics({
      capital: i.cfg.capital_usd,
      trades,
      equity: bt.result.equity,
      times: bars.openTime,
      finalEquity: i.cfg.capital_usd + trades.reduce((a, t) => a + t.pnl, 0),
      exposureBars: bt.result.exposureBars,
      regimeBars: regimeBars(bars, i.cfg.strategy.params),
      rejections,
    });
    const wall = percentiles(r.wallMs);
    const resumedAt = resume ? resume.lastIndex + 1 : 0;
    const report: LocalReplayReport = {
      replay: r,
      trades,
      bars: upTo,
      complete: upTo === i.series.length,
      resumedAt,
      metrics,
      parity,
      latency: { wallP50: wall.p50 ?? 0, wallP90: wall.p90 ?? 0, wallP99: wall.p99 ?? 0, wallMax: wall.max ?? 0, barsPerMinute: (r.wallMs.length / elapsedMs) * 60_000 },
      rejections,
      auditRecords: auditAll.length,
      elapsedMs,
      killSwitch: { file: killSwitchFile, bars: killSwitchModes(r.outcomes) },
    };
    if (i.out) {
      writeRunOutputs(i.out, {
        trades,
        times: bars.openTime,
        equity: bt.result.equity,
        audit: auditAll.map((c) => c.record as never),
        summary: { configHash: i.configHash, codeVersion: i.codeVersion, barCount: upTo, resumedAt, killSwitch: report.killSwitch, metrics, parity: { equal: parity.equal, backtestTrades: parity.backtestTrades, replayTrades: parity.replayTrades }, latency: report.latency, exchange: r.exchange },
        report: {
          title: i.title ?? `Replay ${i.cfg.symbols.join(',')} ${i.cfg.timeframe}`,
          meta: { stage: i.cfg.stage.name, 'config hash': i.configHash.slice(0, 16), 'code version': i.codeVersion, exchange: r.exchange.kind, bars: String(upTo), 'handler p99': `${report.latency.wallP99.toFixed(1)} ms`, 'kill switch': killSwitchSummary(report.killSwitch) },
          series: bars,
          metrics,
          parity,
        },
      });
      // The stored chain itself (seq, prevHash, hash) replaces the re-chained export.
      writeFileSync(join(i.out, 'audit.jsonl'), auditAll.map((c) => JSON.stringify(c)).join('\n') + '\n');
      writeFileSync(join(i.out, 'parity.json'), JSON.stringify(parity, null, 2) + '\n');
    }
    return report;
  } finally {
    await db.close();
  }
}
