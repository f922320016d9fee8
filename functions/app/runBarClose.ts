import type { AppConfig } from '../../config/schema.ts';
import { clientOrderId } from '../core/engine/clientOrderId.ts';
import type { AuditRecord, ClosedTrade, FillEvent, Intent } from '../core/engine/events.ts';
import { onBarClose } from '../core/engine/onBarClose.ts';
import type { StepContext } from '../core/engine/stepContext.ts';
import { protectiveLevels } from '../core/fills/levels.ts';
import type { Bar } from '../core/market/bar.ts';
import { barOpenAt, isoDay, timeframeMs, utcDay } from '../core/market/timeframe.ts';
import { newEngineState, type EngineState } from '../core/portfolio/engineState.ts';
import type { KillSwitchMode, MarketFilters } from '../core/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { Exchange, ExchangeFill, PlaceResult } from '../ports/exchange.ts';
import type { KillSwitch } from '../ports/killSwitch.ts';
import type { MetricsSink } from '../ports/metrics.ts';
import type { Notifier } from '../ports/notifier.ts';
import { ConcurrencyError, type DayRecord, type OrderRecord, type StateStore, type StoredState } from '../ports/stateStore.ts';
import { barProblems } from '../core/market/validate.ts';
import { appendAudit } from './appendAudit.ts';
import { chainRecords, GENESIS_HASH } from './auditChain.ts';
import { recordsToAdd } from './recordsToAdd.ts';
import { fillsToEvents, formingBarQty, positionMismatches, type Unexplained } from './reconcile.ts';

export interface BarCloseDeps {
  cfg: AppConfig;
  configHash: string;
  codeVersion: string;
  store: StateStore;
  exchange: Exchange;
  killSwitch: KillSwitch;
  clock: Clock;
  notifier: Notifier;
  metrics: MetricsSink;
  /** Wait after the close before asking for the kline (Binance publishes it 10-24 s late at times). */
  settleMs?: number;
  pollMs?: number;
  /** Give up waiting for the closed kline after this long past the close. */
  maxKlineWaitMs?: number;
}

export interface BarCloseInput {
  /** EventBridge `event.time` (the scheduled time, one minute before the close). */
  eventTime: number;
  requestId: string;
}

export interface BarCloseOutcome {
  kind: 'decided' | 'duplicate' | 'kline_missing' | 'bad_kline';
  barOpenTime: number;
  klineDelayMs: number | null;
  /** bar close -> last order ack, when orders were sent. */
  ackMs: number | null;
  intents: Intent[];
  trades: ClosedTrade[];
  killSwitch: KillSwitchMode;
  mismatches: Unexplained[];
  rejected: Array<{ clientOrderId: string; code: number | string; message: string }>;
  foldedBars: number;
}

/** Bars of state this old or more are folded without trading (DESIGN section 1: skipped_stale). */
const WARMUP_FACTOR = 10;

/**
 * The bar-close invocation, DESIGN section 2, every step audited:
 * 1 wake and wait for the closed kline; 2 kill switch (fail closed); 3 claim the bar (with its
 * intents, one conditional write); 4 reconcile exchange fills into engine events; 5 decide with the
 * pure `onBarClose`; 6 act (entry, then exchange-side SL/TP; unknown outcomes resolved by lookup);
 * 7 persist (audit chain + state, conditional on the version read) and emit metrics.
 * Idempotent: a re-run after a crash at any step finds the claim, the stored intents and the orders
 * by clientOrderId, and never sends an order twice.
 */
export async function runBarClose(d: BarCloseDeps, input: BarCloseInput): Promise<BarCloseOutcome> {
  const cfg = d.cfg;
  const iv = timeframeMs(cfg.timeframe);
  const stage = cfg.stage.name;
  const closeTime = Math.ceil(input.eventTime / iv) * iv;
  const barOpen = closeTime - iv;
  const audit: AuditRecord[] = [];
  const outcome: BarCloseOutcome = { kind: 'decided', barOpenTime: barOpen, klineDelayMs: null, ackMs: null, intents: [], trades: [], killSwitch: 'halt', mismatches: [], rejected: [], foldedBars: 0 };

  // 1. Wake early: load state and filters while the bar is still forming, then wait for the close
  // and poll until the closed kline is there (never trust ':00'; Binance can be 10-24 s late).
  // One read for the state and this bar's claim (left by an earlier run of this bar that crashed).
  const loaded = await d.store.loadForBar(barOpen);
  let stored = loaded.state;
  const priorClaim = loaded.claim;
  let expected: number | null = stored ? stored.version : null;
  if (stored && stored.lastBarOpenTime !== null && stored.lastBarOpenTime >= barOpen) {
    // Already decided and committed: a duplicate invocation (EventBridge is at-least-once).
    outcome.kind = 'duplicate';
    d.metrics.put('DuplicateInvocation', 1, 'Count');
    return outcome;
  }
  const symbols = cfg.symbols;
  const markets = await d.exchange.markets(symbols);
  const lastFolded = stored?.lastBarOpenTime ?? null;
  const p = cfg.strategy.params;
  const warmN = WARMUP_FACTOR * Math.max(p.ema_slow, 2 * p.adx_period, p.atr_period, p.breakout_bars);
  const since = lastFolded === null ? barOpen - warmN * iv : lastFolded + iv;
  const settle = d.settleMs ?? 1_000;
  const wait = closeTime + settle - d.clock.now();
  if (wait > 0) await d.clock.sleep(wait);
  let history: Bar[][] | null = null;
  const deadline = closeTime + (d.maxKlineWaitMs ?? 45_000);
  for (;;) {
    const got = await Promise.all(symbols.map((s) => d.exchange.closedBars(s, cfg.timeframe, since, 1500)));
    if (got.every((b) => b.length > 0 && b[b.length - 1]!.openTime >= barOpen)) {
      history = got;
      break;
    }
    if (d.clock.now() >= deadline) break;
    await d.clock.sleep(d.pollMs ?? 500);
  }
  const seenAt = d.clock.now();
  if (!history) {
    outcome.kind = 'kline_missing';
    d.metrics.put('KlineMissing', 1, 'Count');
    await d.notifier.notify({ severity: 'critical', subject: `kline for ${new Date(barOpen).toISOString()} missing`, text: `no closed kline ${d.maxKlineWaitMs ?? 45_000} ms after the close; the next invocation folds it` });
    return outcome;
  }
  outcome.klineDelayMs = seenAt - closeTime;
  d.metrics.put('KlineDelayMs', outcome.klineDelayMs, 'Milliseconds');

  // A kline that cannot be a price (NaN, <= 0, high below the body...) is never folded: the state
  // would carry it forever. Audited and alarmed; the state stays as it was, so the next invocation
  // fetches the bars again and folds them once the exchange serves them right.
  const bad: AuditRecord[] = [];
  history.forEach((bars, k) => {
    for (const b of bars) {
      if (b.openTime < since || b.openTime > barOpen) continue;
      for (const pr of barProblems(b.open, b.high, b.low, b.close, b.volume)) {
        if (pr.kind !== 'zero_volume') bad.push({ type: 'error', time: b.openTime, step: 'kline', symbol: symbols[k]!, problem: pr.kind, detail: pr.detail });
      }
    }
  });
  if (bad.length > 0) {
    outcome.kind = 'bad_kline';
    d.metrics.put('BadKline', bad.length, 'Count');
    await appendAudit(d.store, bad, d.clock.now());
    await d.notifier.notify({ severity: 'critical', subject: `bad kline from the exchange: bar ${new Date(barOpen).toISOString()} not decided`, text: bad.map((r) => `${String(r.symbol)} ${new Date(r.time).toISOString()} ${String(r.problem)}: ${String(r.detail)}`).join('\n') });
    return outcome;
  }

  // 2. Kill switch first; unreadable = halt + alarm (fail closed).
  let ks: KillSwitchMode;
  try {
    ks = await d.killSwitch.read();
  } catch (err) {
    ks = 'halt';
    audit.push({ type: 'error', time: barOpen, step: 'kill_switch', message: (err as Error).message, treatedAs: 'halt' });
    await d.notifier.notify({ severity: 'critical', subject: 'kill switch unreadable: treated as halt', text: (err as Error).message });
  }
  outcome.killSwitch = ks;

  let state: EngineState;
  const filters: Record<string, MarketFilters> = {};
  for (const s of symbols) filters[s] = { tick: markets[s]!.tick, step: markets[s]!.step, min_notional: markets[s]!.minNotional };
  const ctxBase = { cfg, intervalMs: iv, stage, markets: filters, fundingRate: () => cfg.costs.funding_rate_8h, onGap: 'reset' as const };
  if (!stored) {
    state = newEngineState(cfg);
    audit.push({ type: 'run_start', time: barOpen, configHash: d.configHash, codeVersion: d.codeVersion, stage, symbols, requestId: input.requestId });
  } else state = stored.state;
  const times = history[0]!.map((b) => b.openTime).filter((t) => t <= barOpen);

  // 4. Reconcile: our fills since the first bar to fold, as events of the bar they happened in.
  const readFills = async (): Promise<ExchangeFill[]> => (await Promise.all(symbols.map((s) => d.exchange.fills(s, since)))).flat().sort((a, b) => a.time - b.time);
  const { events, unexplained } = fillsToEvents(stage, await readFills());
  const eventsByBar = new Map<number, FillEvent[]>();
  const unfoldedQty = formingBarQty(events, barOpen, iv);
  for (const { event: e } of events) {
    const bar = barOpenAt(e.time, iv);
    if (bar > barOpen) continue; // the forming bar's: folded by the next invocation
    const list = eventsByBar.get(bar) ?? [];
    list.push(e);
    eventsByBar.set(bar, list);
  }
  // A pending entry whose order never filled (definitive rejection, or never sent) is released.
  for (const s of state.symbols) {
    if (!s.pending) continue;
    const filled = events.some(({ event: e }) => e.kind === 'entry' && e.symbol === s.symbol);
    if (filled) continue;
    const o = await d.exchange.findOrder(s.symbol, s.pending.clientOrderId);
    if (!o || o.status === 'rejected' || o.status === 'canceled' || o.status === 'expired') {
      const first = times[0] ?? barOpen;
      const list = eventsByBar.get(first) ?? [];
      list.push({ kind: 'entry_rejected', symbol: s.symbol, code: o ? o.status : 'not_found', message: `entry ${s.pending.clientOrderId} did not fill`, time: first });
      eventsByBar.set(first, list);
    }
  }

  // 5. Decide: fold every missed bar (entries blocked as stale), then the bar that just closed.
  const stateBefore = state;
  const decide = (decidedAt: number | null): ReturnType<typeof onBarClose> => {
    let st = stateBefore;
    let res = null as ReturnType<typeof onBarClose> | null;
    outcome.foldedBars = 0;
    outcome.trades = [];
    dayOpens = [];
    const records: AuditRecord[] = [];
    for (const t of times) {
      const bars = history.map((h) => h.find((b) => b.openTime === t)!);
      if (bars.some((b) => !b)) continue;
      const isTarget = t === barOpen;
      const at = isTarget && decidedAt !== null ? decidedAt : d.clock.now();
      const ctx: StepContext = { ...ctxBase, killSwitch: ks, decisionAgeMs: at - (t + iv) };
      res = onBarClose(st, bars, eventsByBar.get(t) ?? [], ctx);
      st = res.state;
      // Start-of-day snapshots for the daily report: after the last bar of a day (and, on the very
      // first run, after its first bar; warm-up days before it were never traded).
      const turns = utcDay(t + iv) !== utcDay(t);
      if ((turns && (isTarget || lastFolded !== null)) || (isTarget && lastFolded === null)) dayOpens.push({ day: isoDay(utcDay(turns ? t + iv : t)), state: st, lastBarOpenTime: t });
      outcome.foldedBars++;
      outcome.trades.push(...res.trades);
      if (isTarget || lastFolded !== null) records.push(...res.audit.map((r) => ({ ...r, folded: isTarget ? 'current' : 'missed' })));
      if (!isTarget && lastFolded !== null) records.push({ type: 'skipped_stale', time: t, decisions: res.intents.length });
    }
    if (!res || times[times.length - 1] !== barOpen) throw new Error(`bar ${new Date(barOpen).toISOString()} missing from the kline history`);
    decidedAudit = records;
    state = st;
    return res;
  };
  let decidedAudit: AuditRecord[] = [];
  let dayOpens: Array<Omit<DayRecord, 'auditSeq'>> = [];
  let result = decide(null);
  const decisionAt = audit.length; // the decision's records go here in the chain (after warm-up/kill switch)
  for (const r of result.rejections) d.metrics.put('GateRejections', 1, 'Count', { rule: r });
  d.metrics.put('Decisions', result.intents.length, 'Count');

  // Reconcile check: the exchange must hold exactly what the state says (fills after this bar excepted).
  const exPos = await d.exchange.positions(symbols);
  let positionDiffs = positionMismatches(state, exPos, unfoldedQty);
  if (positionDiffs.length > 0) {
    // A resting TP/SL can fill between the fills read (step 4) and this positions read: read the
    // fills again, now after the positions, and discount the forming bar's fills as of that read.
    // Without this a protective fill in that window halted the bot on a false mismatch.
    const again = fillsToEvents(stage, await readFills());
    const late = formingBarQty(again.events, barOpen, iv);
    positionDiffs = positionMismatches(state, exPos, late);
    if (positionDiffs.length === 0) audit.push({ type: 'reconcile_late_fill', time: barOpen, formingBarQty: late });
  }
  const mismatches = [...unexplained, ...positionDiffs];
  outcome.mismatches = mismatches;
  let intents = result.intents;
  if (mismatches.length > 0) {
    audit.push({ type: 'reconcile_mismatch', time: barOpen, mismatches: mismatches.map((m) => m.reason), exchange: exPos, state: state.symbols.map((s) => ({ symbol: s.symbol, position: s.position })) });
    d.metrics.put('ReconcileMismatch', mismatches.length, 'Count');
    await d.killSwitch.write('halt').catch(() => undefined);
    await d.notifier.notify({ severity: 'critical', subject: 'reconcile mismatch: bot halted', text: mismatches.map((m) => `${m.symbol}: ${m.reason}`).join('\n') });
    intents = []; // never "fix" by trading
  }
  outcome.intents = intents;

  // 3. Claim the bar together with its intents (stored before they are sent).
  const now = d.clock.now();
  const orderRecords: OrderRecord[] = intents.map((i) => ({
    clientOrderId: i.clientOrderId,
    symbol: i.symbol,
    kind: i.kind,
    side: i.kind === 'entry' ? (i.side === 1 ? 'buy' : 'sell') : i.side === 1 ? 'sell' : 'buy',
    qty: i.qty,
    barOpenTime: barOpen,
    status: 'intent',
    updatedAt: now,
  }));
  // A bar without orders needs no claim: the state write is conditional on the version read, so a
  // duplicate run of such a bar commits nothing twice, and there is no order to send twice. This
  // saves one DynamoDB write on most bars. A claim left by an earlier (crashed) run is honoured.
  const claim = priorClaim ? 'duplicate' : orderRecords.length === 0 ? 'claimed' : await d.store.claim({ openTime: barOpen, claimedAt: now, by: input.requestId, intents: orderRecords });
  if (claim === 'duplicate') {
    // Claimed but not committed: an earlier run crashed after deciding. Decide again with that
    // run's decision time, so the same (deterministic) intents come out; orders are found by id.
    const prior = priorClaim ?? (await d.store.getBar(barOpen));
    if (prior) {
      result = decide(prior.claimedAt);
      if (mismatches.length === 0) intents = result.intents;
      outcome.intents = intents;
    }
    audit.push({ type: 'resume', time: barOpen, claimedBy: prior?.by, stored: prior?.intents.map((o) => o.clientOrderId) ?? [], recomputed: intents.map((i) => i.clientOrderId) });
  }

  // 6. Act: exits first (cancel the protective pair, then close at market), then entries + SL/TP.
  let lastAck: number | null = null;
  for (const it of intents) {
    if (it.kind === 'exit') {
      const pos = state.symbols.find((s) => s.symbol === it.symbol)!.position!;
      for (const code of ['sl', 'tp'] as const) await d.exchange.cancel(it.symbol, clientOrderId(stage, it.symbol, pos.signalTime, code));
      const r = await placeOnce(d, it.clientOrderId, it.symbol, () => d.exchange.placeMarket(it.symbol, it.side === 1 ? 'sell' : 'buy', it.qty, it.clientOrderId, true), audit, barOpen, claim === 'claimed');
      if (r.kind === 'ok') lastAck = d.clock.now();
      else if (r.kind === 'rejected') outcome.rejected.push({ clientOrderId: it.clientOrderId, code: r.code, message: r.message });
    } else {
      const r = await placeOnce(d, it.clientOrderId, it.symbol, () => d.exchange.placeMarket(it.symbol, it.side === 1 ? 'buy' : 'sell', it.qty, it.clientOrderId, false), audit, barOpen, claim === 'claimed');
      if (r.kind === 'rejected') {
        outcome.rejected.push({ clientOrderId: it.clientOrderId, code: r.code, message: r.message });
        continue;
      }
      if (r.kind !== 'ok') continue;
      lastAck = d.clock.now();
      const m = filters[it.symbol]!;
      const lv = protectiveLevels(it.side, r.order.avgPrice, it.atr, p.tp_atr, p.sl_atr, m.tick);
      const closeSide = it.side === 1 ? 'sell' : 'buy';
      for (const [kind, price] of [['sl', lv.sl], ['tp', lv.tp]] as const) {
        const id = clientOrderId(stage, it.symbol, it.signalTime, kind);
        const pr = await placeOnce(d, id, it.symbol, () => d.exchange.placeProtective(it.symbol, closeSide, kind, price, id), audit, barOpen, claim === 'claimed');
        if (pr.kind === 'rejected') outcome.rejected.push({ clientOrderId: id, code: pr.code, message: pr.message });
      }
    }
  }
  // Protective orders left over by a position that closed (the sibling of a triggered SL/TP).
  // A pending entry is a position that just opened: its fresh SL/TP stay.
  // Asked when a position closed in this invocation, and once per container (a crash may have left
  // some): not on every flat bar, which would be two requests per bar for nothing.
  const firstInContainer = !swept.has(d);
  for (const s of state.symbols) {
    if (s.position !== null || s.pending !== null) continue;
    if (!firstInContainer && !outcome.trades.some((t) => t.symbol === s.symbol) && !intents.some((i) => i.symbol === s.symbol)) continue;
    const open = await d.exchange.openOrders(s.symbol);
    for (const o of open) if (o.closePosition) await d.exchange.cancel(s.symbol, o.clientOrderId);
  }
  swept.add(d);
  if (lastAck !== null) {
    outcome.ackMs = lastAck - closeTime;
    d.metrics.put('BarCloseToAckMs', outcome.ackMs, 'Milliseconds');
  }

  // 7. Persist: audit chain + state (conditional on the version read), day record, metrics.
  audit.splice(decisionAt, 0, ...decidedAudit);
  audit.push({ type: 'invocation', time: barOpen, requestId: input.requestId, eventTime: input.eventTime, klineDelayMs: outcome.klineDelayMs, ackMs: outcome.ackMs, killSwitch: ks, folded: outcome.foldedBars, equity: state.equity, dayPnl: state.equity - state.dayStartEquity });
  for (let attempt = 0; ; attempt++) {
    const seq0 = stored?.auditSeq ?? 0;
    const head0 = stored?.auditHead ?? GENESIS_HASH;
    const orphans = attempt === 0 ? [] : await d.store.readAudit(seq0, 200);
    const prev = orphans.length ? orphans[orphans.length - 1]! : null;
    const chain = chainRecords(attempt === 0 ? audit : recordsToAdd(audit, orphans, barOpen), prev ? prev.seq + 1 : seq0, prev ? prev.hash : head0);
    const next: StoredState = {
      version: (expected ?? 0) + 1,
      state,
      lastBarOpenTime: barOpen,
      auditSeq: (prev ? prev.seq + 1 : seq0) + chain.length,
      auditHead: chain.length ? chain[chain.length - 1]!.hash : prev ? prev.hash : head0,
      updatedAt: d.clock.now(),
    };
    try {
      // The day's audit starts within this commit's records (read from its first seq, by time).
      const firstSeq = prev ? prev.seq + 1 : seq0;
      await d.store.commit(next, expected, chain, dayOpens.map((o) => ({ ...o, auditSeq: firstSeq })));
      break;
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      // Another run of this bar committed first (a concurrent duplicate): it decided the same.
      stored = await d.store.load();
      if (stored && stored.lastBarOpenTime !== null && stored.lastBarOpenTime >= barOpen) {
        outcome.kind = 'duplicate';
        return outcome;
      }
      if (attempt > 0) throw err;
      // audit records left by a run that lost its state write: adopt them (they are true) and
      // chain after them, without a second copy of what they already say (recordsToAdd)
      expected = stored ? stored.version : null;
    }
  }
  d.metrics.put('Equity', state.equity, 'None');
  d.metrics.put('DayPnl', state.equity - state.dayStartEquity, 'None');
  d.metrics.put('Heartbeat', 1, 'Count');
  return outcome;
}

/**
 * Send once; an unknown outcome (timeout, -1007) is resolved by looking the order up by its
 * clientOrderId before any retry (DESIGN section 5), so an accepted order is never sent twice.
 */
/** Containers (deps objects) whose first invocation has swept leftover protective orders. */
const swept = new WeakSet<BarCloseDeps>();

async function placeOnce(d: BarCloseDeps, id: string, symbol: string, send: () => Promise<PlaceResult>, audit: AuditRecord[], barOpen: number, fresh: boolean): Promise<PlaceResult> {
  // A bar this invocation claimed first has never had an order sent (ids embed the signal bar), so
  // the lookup is only needed when resuming a claim an earlier, crashed run made. Skipping it saves
  // a round trip on the bar close -> ack path.
  if (!fresh) {
    const existing = await d.exchange.findOrder(symbol, id);
    if (existing) {
      audit.push({ type: 'order_found', time: barOpen, clientOrderId: id, status: existing.status });
      return { kind: 'ok', order: existing };
    }
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    audit.push({ type: 'order_request', time: barOpen, clientOrderId: id, attempt });
    const r = await send();
    audit.push({ type: 'order_reply', time: barOpen, clientOrderId: id, result: r.kind, ...(r.kind === 'ok' ? { status: r.order.status, avgPrice: r.order.avgPrice, exchangeId: r.order.id } : { message: r.message, ...(r.kind === 'rejected' ? { code: r.code } : {}) }) });
    if (r.kind !== 'unknown') return r;
    const found = await d.exchange.findOrder(symbol, id);
    if (found) return { kind: 'ok', order: found };
  }
  return { kind: 'unknown', message: 'order outcome unknown after lookup and one retry' };
}
