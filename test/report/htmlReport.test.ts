import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { backtestJob } from '../../functions/app/backtestJob.ts';
import { MAX_CANDLES, renderHtmlReport, reportData } from '../../functions/app/htmlReport.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';

const { config } = parseConfig({});

describe('report.html (content; drawing is checked in the browser test)', () => {
  it('a year of 5m bars: <= 5 MB, candles aggregated to <= 20k, every trade with its TP/SL levels, nothing fetched', () => {
    const year = syntheticMarket({ seed: 7, bars: 365 * 288 });
    const job = backtestJob({ cfg: config, configHash: 'h', codeVersion: 'test', series: [year] });
    const input = { title: 'year', meta: { a: '<b>' }, series: year, trades: job.result.trades, audit: job.audit, times: year.openTime, equity: job.result.equity, metrics: job.metrics };
    const html = renderHtmlReport(input);
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(5 * 1024 * 1024);
    const d = reportData(input) as { candleMinutes: number; candles: { t: number[]; h: number[]; l: number[] }; trades: Array<{ tp: number | null; sl: number | null }> };
    expect(d.candles.t.length).toBeLessThanOrEqual(MAX_CANDLES);
    expect(d.candleMinutes).toBe(30); // 105,120 bars / 6
    // aggregated candles keep the extremes: the highest high and lowest low survive
    expect(Math.max(...d.candles.h)).toBe(Number(Math.max(...year.high).toPrecision(10)));
    expect(Math.min(...d.candles.l)).toBe(Number(Math.min(...year.low).toPrecision(10)));
    expect(d.trades).toHaveLength(job.result.trades.length);
    expect(d.trades.every((t) => t.tp !== null && t.sl !== null && t.tp !== t.sl)).toBe(true);
    // no external resource: no src/href to http(s), no CDN
    expect(html).not.toMatch(/(src|href)=["']https?:/);
    // the data block cannot close its script tag: '<' is escaped (meta is set with textContent)
    const block = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!;
    expect(block.includes('<')).toBe(false);
    expect((JSON.parse(block) as { meta: Record<string, string> }).meta.a).toBe('<b>');
  }, 60_000);

  it("the drawdown chart's trough is the metrics' max drawdown: every close counts (not only each candle's last), the peak starts at the capital", () => {
    const year = syntheticMarket({ seed: 7, bars: 365 * 288 });
    const job = backtestJob({ cfg: config, configHash: 'h', codeVersion: 'test', series: [year] });
    const d = reportData({ title: 'year', meta: {}, series: year, trades: job.result.trades, audit: job.audit, times: year.openTime, equity: job.result.equity, metrics: job.metrics }) as { equity: { t: number[]; dd: number[] } };
    expect(job.metrics.maxDrawdownUsd).toBeGreaterThan(0);
    expect(d.equity.dd).toHaveLength(d.equity.t.length);
    expect(Math.min(...d.equity.dd)).toBe(-Math.round(job.metrics.maxDrawdownUsd * 100) / 100);

    // by hand: 3 bars, one candle each; the first close is already 20 below the 1000 capital
    const s3 = syntheticMarket({ seed: 1, bars: 3 });
    const metrics = { ...job.metrics, capital: 1000 };
    const small = reportData({ title: 't', meta: {}, series: s3, trades: [], audit: [], times: s3.openTime, equity: [980, 1010, 995], metrics }) as { equity: { v: number[]; dd: number[] } };
    expect(small.equity.v).toEqual([980, 1010, 995]);
    expect(small.equity.dd).toEqual([-20, 0, -15]);
  }, 60_000);
});
