import type { ClosedTrade } from '../core/engine/events.ts';
import { runBacktest } from '../core/engine/runBacktest.ts';
import type { Bar } from '../core/market/bar.ts';
import { seriesFromBars } from '../core/market/bar.ts';
import { DAY_MS, isoDay, isoUtc, timeframeMs, utcDay } from '../core/market/timeframe.ts';
import type { EngineState } from '../core/portfolio/engineState.ts';
import { percentiles, type Percentiles } from '../core/report/percentiles.ts';
import { GATE_RULES, type GateRule, type KillSwitchMode, type TradingConfig } from '../core/types.ts';
import type { ChainedRecord } from './auditChain.ts';
import { tradesFromAudit } from './auditTrades.ts';
import type { StateStore } from '../ports/stateStore.ts';
import { diffTrades, formatParity, type ParityVerdict } from './parity.ts';
import { maxDrawdown } from '../core/report/maxDrawdown.ts';

export interface DailyReportInput {
  cfg: TradingConfig & { stage: { name: string } };
  store: StateStore;
  /** The UTC day to report, YYYY-MM-DD. */
  day: string;
}

export interface DayEvent {
  time: number;
  kind: 'daily_loss_halt' | 'kill_switch' | 'reconcile_mismatch' | 'reconcile_late_fill' | 'bar_rerun' | 'kline_missing' | 'error' | 'startup_refused' | 'event_rejected';
  detail: string;
}

export interface DailyReport {
  stage: string;
  day: string;
  /** Bars of the day seen in the audit trail, per symbol, vs the bars a day holds. */
  bars: { seen: number; expected: number; missing: string[] };
  trades: ClosedTrade[];
  pnl: { realized: number | null; unrealized: number | null; tradePnl: number; fees: number; funding: number };
  /** `maxDrawdownPct` is a fraction of the peak (0.012 = 1.2%; `Metrics.maxDrawdownPct` is in percent), from the day's start equity over its closes (`maxDrawdown`). */
  equity: { start: number | null; end: number | null; low: number | null; high: number | null; maxDrawdownUsd: number; maxDrawdownPct: number };
  rejections: Record<GateRule, number>;
  latency: { klineDelayMs: Percentiles; barCloseToAckMs: Percentiles };
  events: DayEvent[];
  parity: { status: 'ok' | 'differs' | 'unavailable'; reason: string; bars: number; segments: Array<{ from: string; mode: KillSwitchMode }>; verdict: ParityVerdict | null };
}

const PAGE = 1000;
/** How far back to look for a start-of-day snapshot when the day itself has none (outage at midnight). */
const SNAPSHOT_LOOKBACK_DAYS = 7;

type Rec = { type: string; time: number; symbol?: string } & Record<string, unknown>;

/**
 * The daily report (issue: daily report + parity section): everything comes from the store, none
 * from the exchange, so the function needs no keys and no ccxt. The day's audit records are read
 * from the start-of-day snapshot's sequence number on, until the first invocation of the next day
 * (every bar of the day is folded, in order, by then). Parity: the day's audited bars re-run
 * through the backtest engine from the snapshot, with the kill switch modes the bot saw, and the
 * trades diffed with the ones the bot recorded.
 */
export async function dailyReport(i: DailyReportInput): Promise<DailyReport> {
  const dayStart = Date.parse(`${i.day}T00:00:00Z`);
  if (!Number.isFinite(dayStart) || !/^\d{4}-\d{2}-\d{2}$/.test(i.day)) throw new Error(`day ${JSON.stringify(i.day)}: expected YYYY-MM-DD`);
  const dayEnd = dayStart + DAY_MS;
  const iv = timeframeMs(i.cfg.timeframe);
  const snap = await i.store.getDay(i.day);
  const day0 = utcDay(dayStart);
  const next = await i.store.getDay(isoDay(day0 + 1));
  let fromSeq = snap?.auditSeq;
  for (let k = 1; fromSeq === undefined && k <= SNAPSHOT_LOOKBACK_DAYS; k++) fromSeq = (await i.store.getDay(isoDay(day0 - k)))?.auditSeq;
  const recs = await readDay(i.store, fromSeq ?? 0, dayEnd);
  const inDay = recs.filter((r) => r.time >= dayStart && r.time < dayEnd);

  // Later records win: a re-run appends no copy of what a crashed run's adopted records say
  // (recordsToAdd), but trails written before that rule may hold both.
  const bars = new Map<string, Map<number, Bar>>(i.cfg.symbols.map((s) => [s, new Map()]));
  const invocations = new Map<number, Rec>();
  const rejections = Object.fromEntries(GATE_RULES.map((g) => [g, 0])) as Record<GateRule, number>;
  const events: DayEvent[] = [];
  let fees = 0;
  let funding = 0;
  for (const r of inDay) {
    if (r.type === 'bar' && r.symbol) {
      const b = r.bar as { o: number; h: number; l: number; c: number; v: number };
      bars.get(r.symbol)?.set(r.time, { openTime: r.time, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v });
    } else if (r.type === 'invocation') {
      invocations.set(r.time, r);
      // a re-run of a bar whose first run lost its state write, that did something more (recordsToAdd)
      if (r.rerunOf !== undefined) events.push({ time: r.time, kind: 'bar_rerun', detail: `bar decided again by request ${String(r.requestId)} after a run that lost its state write (audit seq ${String(r.rerunOf)}); only what it added is recorded` });
    }
    else if (r.type === 'risk_block') rejections[r.rule as GateRule]++;
    else if (r.type === 'fill') fees += Number(r.fee);
    else if (r.type === 'funding') funding += Number(r.amount);
    else if (r.type === 'halt') events.push({ time: r.time, kind: 'daily_loss_halt', detail: `day P&L ${fmt(Number(r.dayPnl))} reached the ${String(r.limit)} USD limit: flatten, no entries until the next UTC day` });
    else if (r.type === 'reconcile_late_fill') events.push({ time: r.time, kind: 'reconcile_late_fill', detail: `a protective fill landed during the reconcile (forming bar: ${Object.entries(r.formingBarQty as Record<string, number>).map(([s, q]) => `${s} ${q > 0 ? '+' : ''}${q}`).join(', ')}); read again, positions agree` });
    else if (r.type === 'reconcile_mismatch') events.push({ time: r.time, kind: 'reconcile_mismatch', detail: (r.mismatches as string[]).join('; ') });
    else if (r.type === 'error') events.push({ time: r.time, kind: 'error', detail: `${String(r.step)}: ${String(r.message)}` });
    else if (r.type === 'startup_refused') events.push({ time: r.time, kind: 'startup_refused', detail: (r.problems as string[]).join('; ') });
    else if (r.type === 'event_rejected') events.push({ time: r.time, kind: 'event_rejected', detail: (r.issues as string[]).join('; ') });
  }
  // Kill switch transitions, as the bot saw them bar by bar.
  const inv = [...invocations.values()].sort((a, b) => a.time - b.time);
  let mode: KillSwitchMode = (inv[0]?.killSwitch as KillSwitchMode | undefined) ?? 'off';
  if (inv[0] && mode !== 'off') events.push({ time: inv[0].time, kind: 'kill_switch', detail: `${mode} at the day's first bar` });
  for (const r of inv) {
    const m = r.killSwitch as KillSwitchMode;
    if (m !== mode) events.push({ time: r.time, kind: 'kill_switch', detail: `${mode} -> ${m}` });
    mode = m;
  }
  events.sort((a, b) => a.time - b.time);

  const expected = Math.round(DAY_MS / iv);
  const symbolBars = i.cfg.symbols.map((s) => [...bars.get(s)!.values()].sort((a, b) => a.openTime - b.openTime));
  const seen = Math.min(...symbolBars.map((b) => b.length));
  const missing: string[] = [];
  const firstExpected = snap ? snap.lastBarOpenTime + iv : dayStart;
  for (let t = Math.max(dayStart, firstExpected); t < dayEnd; t += iv) if (!symbolBars.every((b) => b.some((x) => x.openTime === t))) missing.push(isoUtc(t));

  const eq = inv.map((r) => Number(r.equity)).filter(Number.isFinite);
  const startEquity = snap ? snap.state.equity : (eq[0] ?? null);
  // the day's closes, the peak starting at the day's start equity: the engine's one drawdown rule
  const dd = maxDrawdown(startEquity ?? 0, eq); // startEquity is eq[0] when there is no snapshot
  const endState = next?.state ?? (await endOfDayState(i.store, dayEnd));
  const actual = tradesFromAudit(inDay);
  const report: DailyReport = {
    stage: i.cfg.stage.name,
    day: i.day,
    bars: { seen, expected, missing },
    trades: actual,
    pnl: {
      realized: snap && endState ? endState.realized - snap.state.realized : null,
      unrealized: endState ? endState.equity - endState.capital - endState.realized : null,
      tradePnl: actual.reduce((a, t) => a + t.pnl, 0),
      fees,
      funding,
    },
    equity: { start: startEquity, end: endState?.equity ?? eq[eq.length - 1] ?? null, low: eq.length ? Math.min(...eq) : null, high: eq.length ? Math.max(...eq) : null, maxDrawdownUsd: dd.usd, maxDrawdownPct: dd.fraction },
    rejections,
    latency: {
      klineDelayMs: percentiles(inv.map((r) => r.klineDelayMs).filter((x): x is number => typeof x === 'number')),
      barCloseToAckMs: percentiles(inv.map((r) => r.ackMs).filter((x): x is number => typeof x === 'number')),
    },
    events,
    parity: parity(i.cfg, snap?.state ?? null, snap?.lastBarOpenTime ?? null, symbolBars, inv, actual, missing.length),
  };
  return report;
}

function parity(cfg: TradingConfig & { stage: { name: string } }, start: EngineState | null, lastBar: number | null, symbolBars: Bar[][], inv: Rec[], actual: ClosedTrade[], missing: number): DailyReport['parity'] {
  const none = (reason: string): DailyReport['parity'] => ({ status: 'unavailable', reason, bars: 0, segments: [], verdict: null });
  if (!start || lastBar === null) return none('no start-of-day snapshot: the bot did not run across the start of the day');
  const rows = symbolBars.map((b) => b.filter((x) => x.openTime > lastBar));
  if (rows[0]!.length === 0) return none('no bars of the day in the audit trail');
  const iv = timeframeMs(cfg.timeframe);
  // Segments of constant kill switch mode (from the invocation that decided each bar).
  const modeAt = new Map(inv.map((r) => [r.time, r.killSwitch as KillSwitchMode]));
  const segments: Array<{ from: number; to: number; mode: KillSwitchMode }> = [];
  for (let k = 0; k < rows[0]!.length; k++) {
    const m = modeAt.get(rows[0]![k]!.openTime) ?? segments[segments.length - 1]?.mode ?? 'off';
    const last = segments[segments.length - 1];
    if (last && last.mode === m) last.to = k + 1;
    else segments.push({ from: k, to: k + 1, mode: m });
  }
  let st = structuredClone(start);
  const trades: ClosedTrade[] = [];
  for (const seg of segments) {
    const series = cfg.symbols.map((s, k) => seriesFromBars(s, iv, rows[k]!.slice(seg.from, seg.to)));
    const r = runBacktest({ cfg, series, stage: cfg.stage.name, killSwitch: seg.mode, allowGaps: true, initialState: st, closeAtEnd: false });
    trades.push(...r.trades);
    st = r.state;
  }
  const verdict = diffTrades(trades, actual);
  const why = verdict.equal
    ? `the backtest from the start-of-day state over the day's ${rows[0]!.length} bars made the same ${trades.length} trades`
    : `backtest ${verdict.backtestTrades} trades vs bot ${verdict.replayTrades}${missing ? `; ${missing} bars of the day are missing (missed bars are folded without trading)` : ''}`;
  return { status: verdict.equal ? 'ok' : 'differs', reason: why, bars: rows[0]!.length, segments: segments.map((s) => ({ from: isoUtc(rows[0]![s.from]!.openTime), mode: s.mode })), verdict };
}

async function readDay(store: StateStore, fromSeq: number, dayEnd: number): Promise<Rec[]> {
  const out: Rec[] = [];
  for (let seq = fromSeq; ; ) {
    const page: ChainedRecord[] = await store.readAudit(seq, PAGE);
    for (const c of page) {
      const r = c.record as Rec;
      // All of the day's bars are folded (in order) before the first invocation of the next day.
      if (r.type === 'invocation' && r.time >= dayEnd) return out;
      out.push(r);
    }
    if (page.length < PAGE) return out;
    seq = page[page.length - 1]!.seq + 1;
  }
}

/** The live state, when its last bar is the day's last (the next day's snapshot is not written yet). */
async function endOfDayState(store: StateStore, dayEnd: number): Promise<EngineState | null> {
  const s = await store.load();
  return s && s.lastBarOpenTime !== null && s.lastBarOpenTime < dayEnd ? s.state : null;
}

/** Prices for people: 10 significant digits hide the float noise of slippage arithmetic. */
const px = (x: number): string => String(Number(x.toPrecision(10)));
const fmt = (x: number | null, d = 2): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));
const ms = (p: Percentiles): string => (p.n === 0 ? '-' : `p50 ${p.p50} / p90 ${p.p90} / p99 ${p.p99} / max ${p.max} ms (n=${p.n})`);

/** Plain text (a fixed-width block in Telegram, stdout for `mft report`). */
export function formatDailyReport(r: DailyReport): string {
  const L: string[] = [];
  L.push(`MFT ${r.stage} daily report ${r.day}`);
  L.push(`bars          ${r.bars.seen}/${r.bars.expected}${r.bars.missing.length ? ` (missing ${r.bars.missing.length}: ${r.bars.missing.slice(0, 3).join(', ')}${r.bars.missing.length > 3 ? ', ...' : ''})` : ''}`);
  L.push(`trades        ${r.trades.length} (${r.trades.filter((t) => t.pnl > 0).length} won)`);
  L.push(`realized P&L  ${fmt(r.pnl.realized)} USD (closed trades ${fmt(r.pnl.tradePnl)})`);
  L.push(`unrealized    ${fmt(r.pnl.unrealized)} USD`);
  L.push(`fees          ${fmt(r.pnl.fees)} USD, funding ${fmt(r.pnl.funding)} USD`);
  L.push(`equity        ${fmt(r.equity.start)} -> ${fmt(r.equity.end)} (low ${fmt(r.equity.low)}, high ${fmt(r.equity.high)})`);
  L.push(`max drawdown  ${fmt(r.equity.maxDrawdownUsd)} USD (${fmt(r.equity.maxDrawdownPct * 100)}%)`);
  const rej = Object.entries(r.rejections).filter(([, n]) => n > 0);
  L.push(`rejections    ${rej.length ? rej.map(([k, n]) => `${k} ${n}`).join(', ') : 'none'}`);
  L.push(`kline delay   ${ms(r.latency.klineDelayMs)}`);
  L.push(`close -> ack  ${ms(r.latency.barCloseToAckMs)}`);
  L.push(`halts/events  ${r.events.length ? '' : 'none'}`);
  for (const e of r.events.slice(0, 20)) L.push(`  ${isoUtc(e.time).slice(11, 16)} ${e.kind}: ${e.detail}`);
  if (r.trades.length) {
    L.push('', 'trades (entry -> exit UTC, side, qty, entry, exit, P&L, reason)');
    for (const t of r.trades) L.push(`  ${t.symbol} ${isoUtc(t.entryTime).slice(5, 16)} -> ${isoUtc(t.exitTime).slice(11, 16)} ${t.side === 1 ? "long " : "short"} ${t.qty} ${px(t.entryPrice)} ${px(t.exitPrice)} ${fmt(t.pnl)} ${t.reason}`);
  }
  L.push('', `PARITY ${r.parity.status.toUpperCase()}: ${r.parity.reason}`);
  if (r.parity.segments.some((s) => s.mode !== 'off')) L.push(`  kill switch during the day: ${r.parity.segments.map((s) => `${s.from.slice(11, 16)} ${s.mode}`).join(', ')}`);
  if (r.parity.verdict && !r.parity.verdict.equal) L.push(formatParity(r.parity.verdict));
  return L.join('\n');
}
