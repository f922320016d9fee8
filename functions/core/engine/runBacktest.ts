import { InvariantError } from '../errors.ts';
import { exitFillPrice, fillCost, takerFee } from '../fills/costs.ts';
import { SeededDelay } from '../fills/seededDelay.ts';
import { simulateBar, type DetailWindow } from '../fills/simBroker.ts';
import { checkIndicatorTape, type IndicatorTape } from '../indicators/indicatorTape.ts';
import { barAt, type Bar, type BarSeries } from '../market/bar.ts';
import { timeframeMs } from '../market/timeframe.ts';
import { newEngineState, type EngineState } from '../portfolio/engineState.ts';
import { GATE_RULES, type GateRule, type KillSwitchMode, type MarketFilters, type TradingConfig } from '../types.ts';
import type { AuditRecord, ClosedTrade, FillEvent, Intent, StepSink } from './events.ts';
import { applyEvent, stepBar } from './stepBar.ts';
import type { StepContext } from './stepContext.ts';

export interface BacktestInput {
  cfg: TradingConfig;
  /** One series per config symbol, same order, same open times. */
  series: readonly BarSeries[];
  /** Funding-history lookup: rate of the event inside the bar at `openTime`, or undefined. */
  funding?: ((symbol: string, openTime: number) => number | undefined) | undefined;
  /** Lower-timeframe bars per symbol (same order as `series`), for intrabar TP/SL ordering. */
  detail?: readonly (BarSeries | null)[] | undefined;
  stage?: string;
  allowGaps?: boolean;
  killSwitch?: KillSwitchMode;
  /** Keep per-bar audit records (bar, indicators, no-signal decisions). Default: decisions only. */
  auditVerbose?: boolean;
  /**
   * Keep the audit records in `result.audit` (default true). A sweep, which reduces each run to its
   * metrics, passes false: records kept until the run ends survive young-generation GCs and are
   * copied, which measured ~11% of a sweep worker's time (more with two workers).
   */
  keepAudit?: boolean;
  /** Called every 8192 bars and at the end. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Start from this state (daily report parity, resumed runs). */
  initialState?: EngineState;
  /**
   * Close positions still open after the last bar at its close (reason `end`, spec section 5).
   * Default true; the daily report's parity re-run keeps them open, as the live bot does.
   */
  closeAtEnd?: boolean;
  /**
   * Indicator series recorded once per distinct indicator setting (`recordIndicatorTape`), one per
   * symbol: the fold reads them instead of recomputing (a sweep's combinations share them). Same
   * results bit for bit; refused with `initialState` (a tape starts from fresh indicators).
   */
  indicatorTapes?: readonly IndicatorTape[] | undefined;
  /**
   * Write the equity series into this array (its length must be the bars') instead of a new one:
   * `result.equity` is then this array, overwritten by the next run that gets it (a sweep reads
   * each run's equity once and drops it).
   */
  equityBuffer?: Float64Array | undefined;
}

export interface BacktestResult {
  trades: ClosedTrade[];
  /** Equity at each bar's close (mark to market). */
  equity: Float64Array;
  audit: AuditRecord[];
  rejections: Record<GateRule, number>;
  /** Bars with any position open at the close. */
  exposureBars: number;
  gaps: number;
  bars: number;
  finalEquity: number;
  state: EngineState;
  intents: number;
}

/** Collects the step's output for a backtest: decisions, trades and counters; no per-bar garbage. */
export class BacktestSink implements StepSink {
  readonly audit_: AuditRecord[] = [];
  readonly trades: ClosedTrade[] = [];
  readonly rejections: Record<GateRule, number>;
  intents = 0;
  gaps = 0;
  constructor(
    readonly verbose: boolean,
    readonly keep = true,
  ) {
    const r = {} as Record<GateRule, number>;
    for (const g of GATE_RULES) r[g] = 0;
    this.rejections = r;
  }
  audit(r: AuditRecord): void {
    if (r.type === 'gap') this.gaps++;
    if (this.keep) this.audit_.push(r);
  }
  intent(_i: Intent): void {
    this.intents++;
  }
  trade(t: ClosedTrade): void {
    this.trades.push(t);
  }
  rejection(rule: GateRule): void {
    this.rejections[rule]++;
  }
}

/**
 * The backtest: a synchronous fold of `stepBar` over the bars with the SimBroker (core/fills)
 * producing each bar's fill events (DESIGN section 1). No await, no allocation per quiet bar.
 */
export function runBacktest(input: BacktestInput): BacktestResult {
  // A plain copy: the resolved config is deep-frozen, and reading frozen objects in the hot loop
  // measured ~40% slower (and mixing frozen and plain shapes makes V8's inline caches polymorphic).
  const cfg = thaw(input.cfg);
  const series = input.series;
  const n = series.length;
  if (n !== cfg.symbols.length) throw new InvariantError('one series per configured symbol', 'series.length', n);
  const len = series[0]!.length;
  const iv = timeframeMs(cfg.timeframe);
  for (let k = 0; k < n; k++) {
    const s = series[k]!;
    if (s.symbol !== cfg.symbols[k]) throw new InvariantError('series order must follow config.symbols', 'series.symbol', s.symbol);
    if (s.intervalMs !== iv) throw new InvariantError('series timeframe differs from config.timeframe', 'series.intervalMs', s.intervalMs);
    if (s.length !== len) throw new InvariantError('series lengths differ', `${s.symbol}.length`, s.length);
  }
  const tapes = input.indicatorTapes ?? null;
  if (tapes !== null) {
    if (tapes.length !== n) throw new InvariantError('one indicator tape per configured symbol', 'indicatorTapes.length', tapes.length);
    if (input.initialState) throw new InvariantError('indicator tapes start from fresh indicators: not with an initial state', 'initialState', 'given');
    for (let k = 0; k < n; k++) checkIndicatorTape(tapes[k]!, series[k]!, cfg.strategy.params);
  }
  const defaultRate = cfg.costs.funding_rate_8h;
  const fundingLookup = input.funding;
  const ctx: StepContext = {
    cfg,
    intervalMs: iv,
    stage: input.stage ?? 'bt',
    markets: cfg.markets,
    killSwitch: input.killSwitch ?? 'off',
    decisionAgeMs: null,
    // Rate from the funding file when it has the event, else the config rate (spec section 4).
    fundingRate: fundingLookup
      ? (sym, t) => {
          const r = fundingLookup(sym, t);
          return r === undefined ? defaultRate : r;
        }
      : () => defaultRate,
    onGap: input.allowGaps ? 'reset' : 'throw',
    tapes,
  };
  const st = input.initialState ?? newEngineState(cfg);
  const sink = new BacktestSink(input.auditVerbose ?? false, input.keepAudit ?? true);
  const delay = new SeededDelay(cfg.latency.seed, cfg.latency.fill_delay_ms[0], cfg.latency.fill_delay_ms[1]);
  const buf = input.equityBuffer;
  if (buf !== undefined && buf.length !== len) throw new InvariantError(`equity buffer of another length (the series has ${len} bars)`, 'equityBuffer.length', buf.length);
  const equity = buf ?? new Float64Array(len);
  const markets = cfg.symbols.map((sym) => {
    const m = cfg.markets[sym];
    if (!m) throw new InvariantError('no exchange filters for symbol', 'markets', sym);
    return m;
  });
  const barObjs: Bar[] = [];
  for (let k = 0; k < n; k++) barObjs.push({ openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 });
  const detail = input.detail;
  const dPtr = new Int32Array(n);
  const dWin: (DetailWindow | null)[] = [];
  for (let k = 0; k < n; k++) {
    const d = detail?.[k];
    dWin.push(d ? { high: d.high, low: d.low, from: 0, to: 0 } : null);
  }
  const exposureBars = foldBars(st, series, detail, dPtr, dWin, barObjs, markets, ctx, sink, delay, equity, input.onProgress);
  if (input.closeAtEnd ?? true) closeAtEnd(st, series, ctx, sink);
  input.onProgress?.(len, len);
  return {
    trades: sink.trades,
    equity,
    audit: sink.audit_,
    rejections: sink.rejections,
    exposureBars,
    gaps: sink.gaps,
    bars: len,
    finalEquity: st.capital + st.realized,
    state: st,
    intents: sink.intents,
  };
}

/**
 * The fold itself, in its own function so that its optimized code survives across runs (code
 * that runs once at the end, in the same function, deoptimized it on every call: measured).
 */
function foldBars(
  st: EngineState,
  series: readonly BarSeries[],
  detail: readonly (BarSeries | null)[] | undefined,
  dPtr: Int32Array,
  dWin: (DetailWindow | null)[],
  barObjs: Bar[],
  markets: MarketFilters[],
  ctx: StepContext,
  sink: BacktestSink,
  delay: SeededDelay,
  equity: Float64Array,
  progress: ((done: number, total: number) => void) | undefined,
): number {
  let exposureBars = 0;
  const cfg = ctx.cfg;
  const p = cfg.strategy.params;
  const iv = ctx.intervalMs;
  const n = series.length;
  const len = series[0]!.length;
  let events: FillEvent[] = [];

  const s0 = series[0]!;
  const ot0 = s0.openTime;
  const op0 = s0.open;
  const hi0 = s0.high;
  const lo0 = s0.low;
  const cl0 = s0.close;
  const vo0 = s0.volume;
  const sym0 = st.symbols[0]!;
  for (let i = 0; i < len; i++) {
    const openTime = ot0[i]!;
    const j = Math.floor(openTime / iv);
    let evCount = 0;
    for (let k = 0; k < n; k++) {
      const b = barObjs[k]!;
      if (k === 0) {
        // Symbol 0's columns are local constants: V8 cannot hoist property loads across the step call.
        b.openTime = ot0[i]!;
        b.open = op0[i]!;
        b.high = hi0[i]!;
        b.low = lo0[i]!;
        b.close = cl0[i]!;
        b.volume = vo0[i]!;
      } else {
        const s = series[k]!;
        b.openTime = s.openTime[i]!;
        b.open = s.open[i]!;
        b.high = s.high[i]!;
        b.low = s.low[i]!;
        b.close = s.close[i]!;
        b.volume = s.volume[i]!;
      }
      const ss = st.symbols[k]!;
      if (ss.position === null && ss.pending === null) continue;
      let w: DetailWindow | null = null;
      const d = detail?.[k];
      if (d) {
        // Advance the detail pointer to the bars inside [openTime, openTime + iv).
        let q = dPtr[k]!;
        while (q < d.length && d.openTime[q]! < openTime) q++;
        let e = q;
        while (e < d.length && d.openTime[e]! < openTime + iv) e++;
        dPtr[k] = q;
        if (e > q) {
          w = dWin[k]!;
          w.from = q;
          w.to = e;
        }
      }
      const ev = simulateBar(ss, b, j, cfg.costs, p, markets[k]!, delay, w);
      if (ev.length > 0) {
        if (evCount === 0) events = [];
        for (const e of ev) events.push(e);
        evCount += ev.length;
      }
    }
    stepBar(st, barObjs, evCount === 0 ? EMPTY : events, ctx, sink, j, i);
    equity[i] = st.equity;
    if (sym0.position !== null) exposureBars++;
    else {
      for (let k = 1; k < n; k++) {
        if (st.symbols[k]!.position !== null) {
          exposureBars++;
          break;
        }
      }
    }
    if (progress !== undefined && (i & 8191) === 0) progress(i, len);
  }

  return exposureBars;
}

/** End of data: close what is still open at the last close moved by cost, plus the fee (spec section 4). */
function closeAtEnd(st: EngineState, series: readonly BarSeries[], ctx: StepContext, sink: StepSink): void {
  const len = series[0]!.length;
  if (len === 0) return;
  exitAllAtEnd(st, series.map((s) => barAt(s, len - 1)), ctx, sink);
}

/**
 * The spec's end-of-data exit for every open position, given the last folded bar of each symbol.
 * Shared by the backtest and the replay (whose final open position closes by the same rule).
 */
export function exitAllAtEnd(st: EngineState, lastBars: readonly Bar[], ctx: StepContext, sink: StepSink): void {
  const cfg = ctx.cfg;
  const iv = ctx.intervalMs;
  const cost = fillCost(cfg.costs);
  for (let k = 0; k < st.symbols.length; k++) {
    const ss = st.symbols[k]!;
    const pos = ss.position;
    const last = lastBars[k]!;
    if (pos === null) continue;
    const price = exitFillPrice(pos.side, last.close, cost);
    applyEvent(
      st,
      { kind: 'exit', symbol: ss.symbol, reason: 'end', qty: pos.qty, price, fee: takerFee(cfg.costs, pos.qty, price), time: last.openTime + iv },
      last.openTime,
      Math.floor(last.openTime / iv),
      ctx,
      sink,
    );
  }
}

/** Deep plain copy of a JSON-shaped value (config): same data, ordinary (extensible) objects. */
export function thaw<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

const EMPTY: readonly FillEvent[] = Object.freeze([]) as readonly FillEvent[];
