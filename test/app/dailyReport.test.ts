import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { dailyReport, formatDailyReport } from '../../functions/app/dailyReport.ts';
import { runBacktest } from '../../functions/core/engine/runBacktest.ts';
import { DAY_MS, isoDay, utcDay } from '../../functions/core/market/timeframe.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { Harness } from '../support/barCloseHarness.ts';

const { config } = parseConfig({});
const DAYS = 5;
const series = syntheticMarket({ seed: 42, bars: DAYS * 288 });
const day0 = series.openTime[0]!;

/** Five days of the bar-close handler (sim exchange, memory store); day 3 halted 06:00-12:00. */
async function fiveDays(): Promise<Harness> {
  const h = new Harness(series, config);
  const haltFrom = 2 * 288 + 72;
  const haltTo = 2 * 288 + 144;
  for (let i = 0; i < series.length; i++) {
    if (i === haltFrom) await h.killSwitch.write('halt');
    if (i === haltTo) await h.killSwitch.write('off');
    await h.bar(i);
  }
  return h;
}

describe('daily report from the audit trail and the start-of-day snapshot', () => {
  it('every full day: the bot trades of the day, P&L that adds up, and PARITY OK from the snapshot', async () => {
    const h = await fiveDays();
    expect(h.trades.length).toBeGreaterThan(5);
    let checked = 0;
    for (let d = 1; d < DAYS; d++) {
      const start = day0 + d * DAY_MS;
      const day = isoDay(utcDay(start));
      const r = await dailyReport({ cfg: config, store: h.store, day });
      const expected = h.trades.filter((t) => t.exitTime >= start && t.exitTime < start + DAY_MS);
      expect(r.trades).toEqual(expected);
      expect(r.bars).toEqual({ seen: 288, expected: 288, missing: [] });
      expect(r.parity.status, `${day}: ${r.parity.reason}`).toBe('ok');
      expect(r.parity.verdict!.backtestTrades).toBe(expected.length);
      expect(r.pnl.tradePnl).toBeCloseTo(expected.reduce((a, t) => a + t.pnl, 0), 9);
      // equity identity: start + realized + change in unrealized = end
      const snap = (await h.store.getDay(day))!;
      const prevUnreal = snap.state.equity - snap.state.capital - snap.state.realized;
      expect(r.equity.start! + r.pnl.realized! + (r.pnl.unrealized! - prevUnreal)).toBeCloseTo(r.equity.end!, 6);
      // max drawdown over the day's closes, the peak from the day's start equity, per close
      const closes = (await h.store.readAudit(0, 1_000_000))
        .map((c) => c.record as { type: string; time: number; equity: number })
        .filter((x) => x.type === 'invocation' && x.time >= start && x.time < start + DAY_MS)
        .map((x) => x.equity);
      expect(closes).toHaveLength(288);
      let peak = snap.state.equity;
      let usd = 0;
      let frac = 0;
      for (const e of closes) {
        peak = Math.max(peak, e);
        usd = Math.max(usd, peak - e);
        frac = Math.max(frac, peak > 0 ? (peak - e) / peak : 0);
      }
      expect(r.equity.maxDrawdownUsd).toBe(usd);
      expect(r.equity.maxDrawdownPct).toBe(frac);
      expect(r.latency.klineDelayMs.n).toBe(288);
      expect(r.latency.barCloseToAckMs.n).toBeGreaterThanOrEqual(expected.length > 0 ? 1 : 0);
      checked += expected.length;
      const text = formatDailyReport(r);
      expect(text).toContain(`daily report ${day}`);
      expect(text).toContain('PARITY OK');
      if (d === 2) {
        // the halt window is reported, and the parity re-run used the modes the bot saw
        expect(r.events.map((e) => e.detail)).toEqual(['off -> halt', 'halt -> off']);
        expect(r.parity.segments.map((s) => s.mode)).toEqual(['off', 'halt', 'off']);
        expect(r.parity.segments[1]!.from).toBe('2025-01-03T06:00:00.000Z');
      }
    }
    expect(checked).toBeGreaterThan(3);
  }, 120_000);

  it('the parity check fails when the engine would have traded differently (another tp_atr), naming the field', async () => {
    const h = await fiveDays();
    const other = parseConfig({ strategy: { params: { tp_atr: 0.9 } } }).config;
    let differs = 0;
    for (let d = 1; d < DAYS; d++) {
      const r = await dailyReport({ cfg: other, store: h.store, day: isoDay(utcDay(day0 + d * DAY_MS)) });
      if (r.parity.status === 'differs') {
        differs++;
        expect(r.parity.verdict!.mismatches.length).toBeGreaterThan(0);
        expect(formatDailyReport(r)).toMatch(/PARITY DIFFERS[\s\S]*PARITY FAILED: backtest \d+ trades, replay \d+/);
      }
    }
    expect(differs).toBeGreaterThan(0);
  }, 120_000);

  it('a day without its snapshot says parity is unavailable, and a bad day is a clear error', async () => {
    const h = new Harness(series, config);
    for (let i = 0; i < 100; i++) await h.bar(i);
    const r = await dailyReport({ cfg: config, store: h.store, day: '2024-12-30' });
    expect(r.parity.status).toBe('unavailable');
    expect(r.trades).toEqual([]);
    await expect(dailyReport({ cfg: config, store: h.store, day: '2025-13-45' })).rejects.toThrow(/expected YYYY-MM-DD/);
    // the first day: snapshot after the first bar, parity over the rest of the day
    const first = await dailyReport({ cfg: config, store: h.store, day: '2025-01-01' });
    expect(first.parity.bars).toBe(99);
    expect(first.parity.status).toBe('ok');
  }, 60_000);

  it('the backtest keeps positions open with closeAtEnd false (what the parity re-run relies on)', () => {
    const a = runBacktest({ cfg: config, series: [series] });
    const b = runBacktest({ cfg: config, series: [series], closeAtEnd: false });
    const endA = a.trades.filter((t) => t.reason === 'end').length;
    expect(b.trades.length).toBe(a.trades.length - endA);
    expect(b.trades.every((t) => t.reason !== 'end')).toBe(true);
  });
});
