import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../functions/core/engine/runBacktest.ts';
import { emptySeries } from '../../../functions/core/market/bar.ts';
import { bars, flat, testConfig, upMove, type Row } from '../../support/coreFixtures.ts';

const T0 = Date.UTC(2025, 0, 1, 0, 0);
const M5 = 300_000;
const COST = (2 / 2 + 1) / 10_000; // spread 2 bps / 2 + slippage 1 bp
const FEE = 4 / 10_000;
// upMove: long signal at t=3 (close 106 > HH 104.5, ATR 3); entry at the open of bar 4 = 106.
const P = 106 * (1 + COST); // 106.0212
const QTY = 4.716; // floor(500/106/0.001)*0.001
const TP = 109.77; // round(106.0212 + 1.25*3 = 109.7712, 0.01)
const SL = 103.32; // round(106.0212 - 0.9*3 = 103.3212, 0.01)

function run(rows: Row[], over: Record<string, unknown> = {}, extra: Partial<Parameters<typeof runBacktest>[0]> = {}, start = T0) {
  return runBacktest({ cfg: testConfig(over), series: [bars(rows, start)], ...extra });
}

describe('fills (spec section 4), hand-computed', () => {
  it('entry at the open of t+1 with cost; TP/SL from the fill price rounded to tick; TP intrabar', () => {
    const r = run(upMove(6));
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    const exit = TP * (1 - COST); // 109.748046
    expect(t).toMatchObject({ side: 1, qty: QTY, entryTime: T0 + 4 * M5, exitTime: T0 + 5 * M5, reason: 'tp', regime: 'trend_up' });
    expect(t.entryPrice).toBe(P);
    expect(t.exitPrice).toBe(exit);
    expect(t.fees).toBeCloseTo(FEE * QTY * P + FEE * QTY * exit, 12);
    expect(t.pnl).toBeCloseTo((exit - P) * QTY - FEE * QTY * P - FEE * QTY * exit, 12);
    expect(r.state.symbols[0]!.position).toBeNull();
  });

  it('SL and TP in the same bar: SL wins', () => {
    const r = run([...upMove(5), [108, 110.5, 103.0, 105]]);
    expect(r.trades[0]).toMatchObject({ reason: 'sl', exitTime: T0 + 5 * M5 });
    expect(r.trades[0]!.exitPrice).toBe(SL * (1 - COST));
  });

  it('with 1m detail the first level touched in time wins (TP first, then SL first)', () => {
    const rows: Row[] = [...upMove(5), [108, 110.5, 103.0, 105]];
    const s = bars(rows);
    const detail = (order: 'tp-first' | 'sl-first') => {
      const d = emptySeries('TESTUSDT', 60_000, 5 * rows.length);
      for (let i = 0; i < d.length; i++) {
        d.openTime[i] = T0 + i * 60_000;
        const bar = Math.floor(i / 5);
        const [o, h, l, c] = rows[bar]!;
        d.open[i] = o;
        d.close[i] = c;
        d.high[i] = h;
        d.low[i] = l;
        if (bar === 5) {
          const m = i % 5;
          const tpMinute = order === 'tp-first' ? 1 : 3;
          const slMinute = order === 'tp-first' ? 3 : 1;
          d.high[i] = m === tpMinute ? 110.5 : 108.5;
          d.low[i] = m === slMinute ? 103.0 : 107.5;
        }
      }
      return d;
    };
    const a = runBacktest({ cfg: testConfig(), series: [s], detail: [detail('tp-first')] });
    expect(a.trades[0]).toMatchObject({ reason: 'tp', exitPrice: TP * (1 - COST) });
    const b = runBacktest({ cfg: testConfig(), series: [s], detail: [detail('sl-first')] });
    expect(b.trades[0]).toMatchObject({ reason: 'sl', exitPrice: SL * (1 - COST) });
  });

  it('gap through SL and through TP exit at the open (j > t+1)', () => {
    const gs = run([...upMove(5), [103, 104, 102.5, 103.5]]).trades[0]!;
    expect(gs).toMatchObject({ reason: 'gap_sl', exitTime: T0 + 5 * M5 });
    expect(gs.exitPrice).toBe(103 * (1 - COST));
    const gt = run([...upMove(5), [110, 111, 109.9, 110.5]]).trades[0]!;
    expect(gt).toMatchObject({ reason: 'gap_tp' });
    expect(gt.exitPrice).toBe(110 * (1 - COST));
  });

  it('no gap check in the entry bar: a stop touched there is an intrabar SL', () => {
    const t = run([...upMove(4), [106, 107, 103, 104]]).trades[0]!;
    expect(t).toMatchObject({ reason: 'sl', entryTime: T0 + 4 * M5, exitTime: T0 + 4 * M5 });
    expect(t.exitPrice).toBe(SL * (1 - COST));
  });

  it('time stop: held bars (entry bar = 1) reach max_hold_bars -> exit at the next open, reason time', () => {
    const r = run([...upMove(5), ...flat(4, 107)], { strategy: { params: { max_hold_bars: 3 } } });
    const t = r.trades[0]!;
    // entry bar 4; at the close of bar 6 held = 3 -> exit at the open of bar 7 = 107
    expect(t).toMatchObject({ reason: 'time', entryTime: T0 + 4 * M5, exitTime: T0 + 7 * M5 });
    expect(t.exitPrice).toBe(107 * (1 - COST));
  });

  it('time stop at 48 bars with the default max_hold_bars', () => {
    const r = run([...upMove(5), ...flat(50, 107)], { strategy: { params: { max_hold_bars: 48 } } });
    expect(r.trades[0]).toMatchObject({ reason: 'time', exitTime: T0 + (4 + 48) * M5 });
  });

  it('funding at 00/08/16 UTC for a position open at the previous close (config rate, then file rate)', () => {
    const start = Date.UTC(2025, 0, 1, 7, 30); // bar 4 = 07:50 (entry), bar 6 = 08:00 (funding)
    const rows = [...upMove(5), ...flat(4, 107)];
    const cfgOver = { strategy: { params: { max_hold_bars: 3 } } };
    const a = run(rows, cfgOver, {}, start).trades[0]!;
    expect(a.funding).toBeCloseTo(QTY * 107 * 0.0001, 15); // long pays qty * open_j * rate
    expect(a.pnl).toBeCloseTo((107 * (1 - COST) - P) * QTY - FEE * QTY * P - FEE * QTY * 107 * (1 - COST) - QTY * 107 * 0.0001, 12);
    const b = run(rows, cfgOver, { funding: (_s, t) => (t === Date.UTC(2025, 0, 1, 8) ? 0.0003 : undefined) }, start).trades[0]!;
    expect(b.funding).toBeCloseTo(QTY * 107 * 0.0003, 15);
    // entry exactly at the funding bar: not open at the previous close -> no funding
    const c = run(rows, cfgOver, {}, Date.UTC(2025, 0, 1, 7, 40)).trades[0]!; // bar 4 = 08:00
    expect(c.funding).toBe(0);
  });

  it('daily loss: flatten at the next open, halt blocks that UTC day only, lifts at the next day', () => {
    // start 23:20: bars 0..7 on day 1, bar 8 = 00:00 of day 2
    const rows: Row[] = [...upMove(4), [106, 106.5, 104, 104], [104, 107.5, 103.5, 107], [107, 110.5, 106.5, 110], [110, 113.5, 109.5, 113], [113, 116.5, 112.5, 116], [116, 119.5, 115.5, 119], [119, 122.5, 118.5, 122]];
    const r = run(rows, { risk: { max_daily_loss_usd: 1 }, strategy: { params: { cooldown_bars: 0 } } }, {}, Date.UTC(2025, 0, 1, 23, 20));
    const first = r.trades[0]!;
    // close of bar 4 = 104: day P&L = (104 - 106.0212)*4.716 - entry fee < -1 -> exit at the open of bar 5
    expect(first).toMatchObject({ reason: 'daily_loss', exitTime: Date.UTC(2025, 0, 1, 23, 45) });
    expect(first.exitPrice).toBe(104 * (1 - COST));
    expect(r.audit.filter((a) => a.type === 'halt')).toHaveLength(1);
    const blocked = r.audit.filter((a) => a.type === 'risk_block' && a.rule === 'halted');
    expect(blocked.map((a) => a.time)).toEqual([Date.UTC(2025, 0, 1, 23, 45), Date.UTC(2025, 0, 1, 23, 50), Date.UTC(2025, 0, 1, 23, 55)]);
    expect(blocked[0]).toMatchObject({ limit: 'off', value: 'max_daily_loss' });
    // the signal of 00:00 (day 2) trades: entry at the open of 00:05
    expect(r.trades[1]).toMatchObject({ entryTime: Date.UTC(2025, 0, 2, 0, 5) });
  });

  it('time stop and daily loss on the same close: the reason is daily_loss', () => {
    const rows: Row[] = [...upMove(4), [106, 106.5, 104, 104], [104, 104.5, 103.9, 104]];
    const r = run(rows, { risk: { max_daily_loss_usd: 1 }, strategy: { params: { max_hold_bars: 1 } } });
    expect(r.trades[0]).toMatchObject({ reason: 'daily_loss', exitTime: T0 + 5 * M5 });
  });

  it('cooldown is measured from the exit bar: blocked while t - j_exit < cooldown_bars', () => {
    const r = run(upMove(10)); // TP exit in bar 5; signals at 5, 6, 7 blocked; 8 trades
    const cd = r.audit.filter((a) => a.type === 'risk_block' && a.rule === 'cooldown');
    expect(cd.map((a) => [a.time, a.value, a.limit])).toEqual([
      [T0 + 5 * M5, 0, 3],
      [T0 + 6 * M5, 1, 3],
      [T0 + 7 * M5, 2, 3],
    ]);
    expect(r.trades[1]?.entryTime ?? r.state.symbols[0]!.position?.entryTime).toBe(T0 + 9 * M5);
  });

  it('end of data: an open position closes at the last close moved by cost, plus the fee', () => {
    const r = run(upMove(5));
    const t = r.trades[0]!;
    expect(t).toMatchObject({ reason: 'end', exitTime: T0 + 4 * M5 });
    expect(t.exitPrice).toBe(108 * (1 - COST));
    expect(t.fees).toBeCloseTo(FEE * QTY * P + FEE * QTY * 108 * (1 - COST), 12);
    expect(r.finalEquity).toBeCloseTo(10_000 + t.pnl, 9);
  });

  it('short side mirrors: sell at open*(1-cost), TP below, SL above; funding is received', () => {
    const down: Row[] = upMove(6).map(([o, h, l, c]) => [200 - o, 200 - l, 200 - h, 200 - c]);
    const r = run(down);
    const t = r.trades[0]!;
    const p = 94 * (1 - COST); // entry at the open of bar 4 = 200 - 106
    expect(t.side).toBe(-1);
    expect(t.entryPrice).toBe(p);
    // TP = round(93.9812 - 3.75, 0.01) = 90.23; hit in bar 5 (low 89.5): exit at 90.23*(1+cost)
    expect(t).toMatchObject({ reason: 'tp', exitPrice: 90.23 * (1 + COST) });
    expect(t.qty).toBe(5.319); // floor(500/94/0.001)*0.001
  });
});
