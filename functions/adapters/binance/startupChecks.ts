import type { AppConfig } from '../../../config/schema.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Exchange, MarketInfo } from '../../ports/exchange.ts';

/** What the checks need beyond the Exchange port (CcxtExchange has it; tests may stub it). */
export interface AccountSettings extends Pick<Exchange, 'serverTime' | 'markets' | 'balance'> {
  hedgeMode(): Promise<boolean>;
  multiAssetsMargin(): Promise<boolean>;
  setLeverage(symbol: string, leverage: number): Promise<number>;
  setMarginType(symbol: string, type: 'CROSSED' | 'ISOLATED'): Promise<'changed' | 'unchanged'>;
  /** Stamp signed requests with the server's time from now on (ccxt loadTimeDifference). */
  syncTime?(): Promise<void>;
}

export interface StartupReport {
  /** server - local clock, ms, measured at the midpoint of the round trip. */
  serverOffsetMs: number;
  balanceUsdt: number;
  markets: Record<string, MarketInfo>;
  /** What the checks changed on the account (leverage, margin type, time sync). */
  actions: string[];
}

export type StartupResult = { kind: 'ready'; report: StartupReport } | { kind: 'refused'; problems: string[]; report: Partial<StartupReport> };

export class StartupRefusedError extends Error {
  override readonly name = 'StartupRefusedError';
  constructor(
    readonly stage: string,
    readonly problems: readonly string[],
  ) {
    super(`refusing to trade on stage ${stage}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface StartupCheckOptions {
  /** Above this |offset| signed requests are stamped with the server's time (ccxt timeDifference). */
  syncAboveMs?: number;
  /** Above this |offset| the clock is broken beyond recvWindow's tolerance: refuse. */
  refuseAboveMs?: number;
}

const isMultiple = (coarse: number, fine: number): boolean => {
  const k = Math.round(coarse / fine);
  return k >= 1 && Math.abs(k * fine - coarse) <= fine * 1e-9;
};

const msg = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0]!.slice(0, 300) : String(e));

/**
 * Before the first trade of a container (DESIGN section 5, start-up): the account must be what the
 * strategy and the backtest assume, or the bot does not trade. Checks, in order:
 * 1. server time offset (|offset| > syncAboveMs: stamp requests with server time; > refuseAboveMs: refuse);
 * 2. one-way position mode (hedge mode would open a second position beside ours);
 * 3. single-asset margin (daily loss and P&L are USDT);
 * 4. exchange filters: every configured symbol TRADING, and the config's tick/step multiples of the
 *    exchange's and its min_notional at least the exchange's, so orders the core rounds are valid;
 * 5. leverage and margin type set as configured (-4046 "no need to change" is fine; -4048 with a
 *    position open in the other type is a refusal).
 * All problems are collected so the operator fixes them in one go.
 */
export async function startupChecks(ex: AccountSettings, cfg: AppConfig, clock: Clock, o: StartupCheckOptions = {}): Promise<StartupResult> {
  const problems: string[] = [];
  const actions: string[] = [];
  const report: Partial<StartupReport> = { actions };

  const t0 = clock.now();
  const server = await ex.serverTime();
  const t1 = clock.now();
  const offset = Math.round(server - (t0 + t1) / 2);
  report.serverOffsetMs = offset;
  if (Math.abs(offset) > (o.refuseAboveMs ?? 5_000)) problems.push(`server time offset ${offset} ms exceeds ${o.refuseAboveMs ?? 5_000} ms: fix the host clock (NTP)`);
  else if (Math.abs(offset) > (o.syncAboveMs ?? 1_000) && ex.syncTime) {
    await ex.syncTime();
    actions.push(`server time offset ${offset} ms: signing with the server's time`);
  }

  if (await ex.hedgeMode()) problems.push('position mode is Hedge: the bot trades One-way (BOTH) positions; switch to One-way Mode in Futures preferences (no open positions or orders allowed while switching)');
  if (await ex.multiAssetsMargin()) problems.push('Multi-Assets margin mode is on: the bot accounts in USDT only; switch to Single-Asset Mode');

  try {
    const markets = await ex.markets(cfg.symbols);
    report.markets = markets;
    for (const sym of cfg.symbols) {
      const m = markets[sym];
      const c = cfg.markets[sym];
      if (!m) {
        problems.push(`${sym}: not in exchangeInfo`);
        continue;
      }
      if (!c) {
        problems.push(`${sym}: no markets.${sym} filters in the config`);
        continue;
      }
      if (!isMultiple(c.tick, m.tick)) problems.push(`${sym}: markets.${sym}.tick ${c.tick} is not a multiple of the exchange tickSize ${m.tick}`);
      if (!isMultiple(c.step, m.step)) problems.push(`${sym}: markets.${sym}.step ${c.step} is not a multiple of the exchange stepSize ${m.step}`);
      if (c.min_notional < m.minNotional) problems.push(`${sym}: markets.${sym}.min_notional ${c.min_notional} is below the exchange MIN_NOTIONAL ${m.minNotional}`);
    }
  } catch (e) {
    problems.push(`exchange filters: ${msg(e)}`);
  }

  for (const sym of cfg.symbols) {
    try {
      const lev = await ex.setLeverage(sym, cfg.stage.leverage);
      if (lev !== cfg.stage.leverage) problems.push(`${sym}: leverage is ${lev}, configured ${cfg.stage.leverage}`);
      else actions.push(`${sym}: leverage ${lev}x`);
    } catch (e) {
      problems.push(`${sym}: cannot set leverage ${cfg.stage.leverage}x: ${msg(e)}`);
    }
    try {
      const r = await ex.setMarginType(sym, cfg.stage.margin_type);
      actions.push(`${sym}: margin type ${cfg.stage.margin_type}${r === 'unchanged' ? ' (already)' : ' (set)'}`);
    } catch (e) {
      problems.push(`${sym}: margin type is not ${cfg.stage.margin_type} and cannot be changed (${msg(e)}); close the position and open orders or change it by hand`);
    }
  }

  const bal = await ex.balance();
  report.balanceUsdt = bal.total;
  if (!(bal.total > 0)) problems.push(`USDT wallet balance is ${bal.total}: nothing to trade with`);

  if (problems.length > 0) return { kind: 'refused', problems, report };
  return { kind: 'ready', report: report as StartupReport };
}
