import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { loadCandles } from '../../functions/adapters/local/candles.ts';
import { backtestJob } from '../../functions/app/backtestJob.ts';
import { comboConfig, comboValues, GridError, indicatorGroups, parseGrid, sweepItems, type Grid } from '../../functions/app/sweep/grid.ts';
import { indicatorKey } from '../../functions/core/indicators/indicatorTape.ts';
import { runSweep } from '../../functions/app/sweep/runSweep.ts';
import { resultsCsv, summarizeSweep } from '../../functions/app/sweep/sweepSummary.ts';
import { periodSharpe } from '../../functions/app/sweep/overfitting.ts';
import { walkforward } from '../../functions/app/sweep/walkforward.ts';
import { SweepPool } from '../../functions/app/sweep/sweepPool.ts';
import { sliceSeries } from '../../functions/core/market/bar.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';

const { config } = parseConfig({});
const series = syntheticMarket({ seed: 11, bars: 40 * 288 });

describe('grid', () => {
  it('ranges are inclusive and exact to the input decimals; lists continue across commas; mixed radix, last axis fastest', () => {
    const g = parseGrid('tp_atr=0.8:2.0:0.05,sl_atr=0.5:1.5:0.1,adx_min=15,20,25', config);
    expect(g.axes.map((a) => a.values.length)).toEqual([25, 11, 3]);
    expect(g.size).toBe(825);
    expect(g.axes[0]!.values.slice(0, 4)).toEqual([0.8, 0.85, 0.9, 0.95]);
    expect(g.axes[0]!.values.at(-1)).toBe(2);
    expect(g.axes[1]!.values).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5]);
    expect(comboValues(g, 0)).toEqual([0.8, 0.5, 15]);
    expect(comboValues(g, 1)).toEqual([0.8, 0.5, 20]);
    expect(comboValues(g, 3)).toEqual([0.8, 0.6, 15]);
    expect(comboConfig(config, g, 824).strategy.params).toMatchObject({ tp_atr: 2, sl_atr: 1.5, adx_min: 25 });
    expect(parseGrid('risk.max_trades_per_day=3,6', config).axes[0]).toMatchObject({ path: ['risk', 'max_trades_per_day'], values: [3, 6] });
  });

  it('a bad grid names every problem before any work', () => {
    const bad = (spec: string): string[] => {
      try {
        parseGrid(spec, config);
      } catch (e) {
        expect(e).toBeInstanceOf(GridError);
        return (e as GridError).problems;
      }
      throw new Error('accepted');
    };
    expect(bad('tp=1,2')[0]).toMatch(/^tp: not a strategy parameter \(known: ema_fast, /);
    expect(bad('tp_atr=2:1:0.1')).toEqual(['tp_atr=2:1:0.1: hi must be >= lo']);
    expect(bad('tp_atr=1:2:0')).toEqual(['tp_atr=1:2:0: step must be > 0']);
    expect(bad('tp_atr=1,x')).toEqual(["tp_atr: 'x' is not a number"]);
    expect(bad('tp_atr=1,tp_atr=2')).toEqual(['tp_atr: given twice']);
    expect(bad('')).toEqual(['empty grid: expected e.g. "tp_atr=0.8:2.0:0.05,adx_min=15,20,25"']);
    expect(bad('risk.nothing=1')).toEqual(['risk.nothing: not a numeric setting of the config']);
    expect(bad('tp_atr=-1,1')[0]).toMatch(/^tp_atr=-1: strategy.params.tp_atr/);
    // cross-field rule: ema_fast must stay below ema_slow in every combination (not per axis)
    expect(bad('ema_fast=20,60,ema_slow=50,100')).toEqual(['ema_fast=60 ema_slow=50: strategy.params.ema_fast 60 is not allowed, must be < ema_slow (50)']);
    expect(parseGrid('ema_fast=60,ema_slow=100', config).size).toBe(1);
  });
});

describe('indicator groups (one indicator tape per distinct indicator setting)', () => {
  it('groups combinations by their indicator-parameter values, whatever the axis order', () => {
    // ema_fast and breakout_bars are indicator settings; tp_atr/sl_atr are not: 4 groups of 4
    const g = parseGrid('tp_atr=1.0,1.5,ema_fast=12,20,sl_atr=0.8,1.1,breakout_bars=15,20', config);
    const { order, groups } = indicatorGroups(g);
    expect(groups.map((x) => x.to - x.from)).toEqual([4, 4, 4, 4]);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, k) => k));
    for (const x of groups) {
      const members = [...order.subarray(x.from, x.to)];
      expect(members).toEqual([...members].sort((a, b) => a - b)); // grid order inside a group
      expect(new Set(members.map((k) => indicatorKey(comboConfig(config, g, k).strategy.params))).size).toBe(1);
    }
    // group 0 = ema_fast 12, breakout_bars 15: combinations 0 (1.0,12,0.8,15), 2, 8, 10
    expect([...order.subarray(0, 4)]).toEqual([0, 2, 8, 10]);
    expect(sweepItems(g).map((it) => it.index)).toEqual([...order]);
    expect(indicatorGroups(parseGrid('tp_atr=1.0,1.5,adx_min=15,25', config)).groups).toEqual([{ from: 0, to: 4 }]);
    expect(indicatorGroups(parseGrid('ema_fast=10,12,14', config)).groups).toHaveLength(3);
  });

  it('a sweep records each shared indicator setting once (0, 1 or 2 workers), lone settings run plain; rows = single backtests', async () => {
    const short = syntheticMarket({ seed: 12, bars: 15 * 288 });
    const g = parseGrid('tp_atr=1.0,1.5,ema_fast=12,20,sl_atr=0.8,breakout_bars=15,20', config);
    const runs = await Promise.all([0, 1, 2].map((workers) => runSweep({ base: config, grid: g, series: short, workers })));
    for (const r of runs) {
      expect(r.indicatorSettings).toBe(4);
      expect(r.tapesRecorded).toBe(4);
      expect(r.rows).toEqual(runs[0]!.rows);
    }
    for (let k = 0; k < g.size; k++) {
      const job = backtestJob({ cfg: comboConfig(config, g, k), configHash: 'h', codeVersion: 't', series: [short] });
      expect([runs[2]!.rows[k]!.metrics.trades, runs[2]!.rows[k]!.metrics.netPnl, runs[2]!.rows[k]!.metrics.sharpe]).toEqual([job.result.trades.length, job.metrics.netPnl, job.metrics.sharpe]);
    }
    expect(runs[2]!.rows.some((r) => r.metrics.trades! > 0)).toBe(true);
    const lone = await runSweep({ base: config, grid: parseGrid('ema_fast=10,12,14', config), series: short, workers: 2 });
    expect([lone.indicatorSettings, lone.tapesRecorded]).toEqual([3, 0]);
  }, 120_000);

  it('a worker pool serves sweeps over different bars in turn (walk-forward): rows equal fresh sweeps; a failed sweep retires it', async () => {
    const g = parseGrid('tp_atr=1.0,1.5,ema_fast=12,20,sl_atr=0.8', config);
    // two windows of the same length, then the first again
    const w1 = sliceSeries(series, 0, 10 * 288);
    const w2 = sliceSeries(series, 10 * 288, 20 * 288);
    const pool = new SweepPool(2);
    try {
      for (const w of [w1, w2, w1]) {
        const pooled = await runSweep({ base: config, grid: g, series: w, pool });
        expect(pooled.workers).toBe(2);
        expect(pooled.rows).toEqual((await runSweep({ base: config, grid: g, series: w, workers: 0 })).rows);
      }
      expect((await runSweep({ base: config, grid: g, series: w2, pool })).rows).not.toEqual((await runSweep({ base: config, grid: g, series: w1, pool })).rows);
      // a combination that fails inside a worker fails the sweep, and the pool is not used again
      await expect(runSweep({ base: config, grid: g, series: { ...w1, symbol: 'ETHUSDT' }, pool })).rejects.toThrow(/^combination \d+ \(.*\): series order must follow config.symbols/);
      await expect(runSweep({ base: config, grid: g, series: w1, pool })).rejects.toThrow(/sweep pool unusable after a worker failed/);
    } finally {
      await pool.close();
    }
  }, 120_000);
});

describe('sweep', () => {
  const g = parseGrid('tp_atr=1.0:1.6:0.3,sl_atr=0.7,1.1,adx_min=15,25', config);

  it('runs in a process started with per-process flags and tsx (as the bench runs): workers get no inherited Node options', () => {
    // Bundle workers start with execArgv []: passing the parent's --expose-gc to a worker throws
    // ERR_WORKER_INVALID_EXEC_ARGV, and its tsx hooks only slowed every worker's start.
    const dir = mkdtempSync(join(tmpdir(), 'mft-sweep-flags-'));
    const script = join(dir, 'run.mts');
    const mod = (p: string): string => JSON.stringify(new URL(p, import.meta.url).href);
    writeFileSync(
      script,
      [
        `import { parseConfig } from ${mod('../../config/load.ts')};`,
        `import { parseGrid } from ${mod('../../functions/app/sweep/grid.ts')};`,
        `import { runSweep } from ${mod('../../functions/app/sweep/runSweep.ts')};`,
        `import { syntheticMarket } from ${mod('../../functions/core/market/synthetic.ts')};`,
        `const { config } = parseConfig({});`,
        `const r = await runSweep({ base: config, grid: parseGrid('tp_atr=1.0,1.3,sl_atr=0.7,1.1', config), series: syntheticMarket({ seed: 3, bars: 3 * 288 }), workers: 2 });`,
        `process.stdout.write(JSON.stringify({ workers: r.workers, rows: r.rows.filter(Boolean).length, gc: typeof globalThis.gc }));`,
      ].join('\n'),
    );
    const p = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    expect(p.stderr).not.toMatch(/ERR_WORKER_INVALID_EXEC_ARGV/);
    expect(p.status).toBe(0);
    expect(JSON.parse(p.stdout)).toEqual({ workers: 2, rows: 4, gc: 'function' });
  }, 60_000);

  it('configs are resolved before they reach the workers: a combination the grid check did not cover fails named, in any mode', async () => {
    // parseGrid checks every combination only up to 100,000 of them; a grid built by hand skips it
    const unchecked: Grid = { axes: [{ key: 'tp_atr', path: ['strategy', 'params', 'tp_atr'], values: [1.2, -1] }], size: 2 };
    for (const workers of [0, 2]) {
      await expect(runSweep({ base: config, grid: unchecked, series: sliceSeries(series, 0, 2 * 288), workers })).rejects.toThrow(/^combination 1 \(tp_atr=-1\): [\s\S]*strategy\.params\.tp_atr: -1 is not allowed/);
    }
  }, 60_000);

  it('rows equal single backtests of the same combinations, and are identical for 0, 1 and 2 workers', async () => {
    const r0 = await runSweep({ base: config, grid: g, series, workers: 0 });
    const r1 = await runSweep({ base: config, grid: g, series, workers: 1 });
    const r2 = await runSweep({ base: config, grid: g, series, workers: 2 });
    expect(r2.workers).toBe(2);
    expect(r1.rows).toEqual(r0.rows);
    expect(r2.rows).toEqual(r0.rows);
    expect(resultsCsv(g, r2.rows)).toBe(resultsCsv(g, r0.rows));
    for (const k of [0, 5, g.size - 1]) {
      const job = backtestJob({ cfg: comboConfig(config, g, k), configHash: 'h', codeVersion: 't', series: [series] });
      expect(r2.rows[k]!.metrics.trades).toBe(job.result.trades.length);
      expect(r2.rows[k]!.metrics.netPnl).toBe(job.metrics.netPnl);
      expect(r2.rows[k]!.metrics.fees).toBe(job.metrics.fees);
      expect(r2.rows[k]!.metrics.sharpe).toBe(job.metrics.sharpe);
      expect(r2.rows[k]!.daily).toHaveLength(40);
    }
    // the daily returns the overfitting check reads are the ones behind each row's Sharpe (spec
    // section 5: the last day ends at the final equity, after the end-of-data exit)
    for (const row of r2.rows) expect(periodSharpe(row.daily) * Math.sqrt(365)).toBeCloseTo(row.metrics.sharpe!, 10);
    const s = summarizeSweep(g, r2.rows, 'net_pnl', 8);
    expect(s.best.metrics.netPnl).toBe(Math.max(...r2.rows.map((x) => x.metrics.netPnl!)));
    expect(s.pbo!.splits).toBe(70);
    expect(s.heatmap.cells).toHaveLength(2); // sl_atr rows x tp_atr columns (max over adx_min)
    expect(s.heatmap.cells[0]).toHaveLength(3);
  }, 120_000);

  it('mft sweep: results.csv with a row per combination, the report, the verdict; a bad grid exits 1 before work', () => {
    const out = mkdtempSync(join(tmpdir(), 'mft-sweep-'));
    const ok = spawnSync('node', ['functions/cli/bin.mjs', 'sweep', '--grid', 'tp_atr=1.0,1.5,sl_atr=0.9', '--workers', '2', '--blocks', '8', '--out', out], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('indicators: 1 distinct setting(s); 1 indicator series computed once and shared');
    expect(ok.stdout).toMatch(/probability of backtest overfitting: \d+\.\d% \(70 CSCV splits of 8 blocks/);
    expect(ok.stdout).toMatch(/verdict: PBO \d+%, DSR \d+%: /);
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('index,tp_atr,sl_atr,trades,winRate,netPnl,returnPct,fees,funding,maxDrawdownUsd,maxDrawdownPct,sharpe,profitFactor,exposurePct,avgTradePnl');
    expect(csv).toHaveLength(3);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('"sweep":{"metric":"sharpe"');
    const bad = spawnSync('node', ['functions/cli/bin.mjs', 'sweep', '--grid', 'tp_atr=1:0:1', '--out', out], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('tp_atr=1:0:1: hi must be >= lo');
  }, 120_000);
});

describe('mft sweep with --funding', () => {
  it('the best combination\'s files are backtested with the same funding as its row', () => {
    const out = mkdtempSync(join(tmpdir(), 'mft-sweep-funding-'));
    const f = join(out, 'funding.csv');
    const rows = ['funding_time,funding_rate'];
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2025, 2, 2); t += 8 * 3_600_000) rows.push(`${t},0.002`);
    writeFileSync(f, rows.join('\n') + '\n');
    const r = spawnSync('node', ['functions/cli/bin.mjs', 'sweep', '--grid', 'tp_atr=1.0,1.5', '--funding', f, '--workers', '0', '--blocks', '8', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const best = (JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { best: { metrics: { funding: number; netPnl: number } } }).best.metrics;
    const csv = readFileSync(join(out, 'trades.csv'), 'utf8').trim().split('\n');
    const col = csv[0]!.split(',').indexOf('funding');
    const funding = csv.slice(1).reduce((a, l) => a + Number(l.split(',')[col]), 0);
    expect(best.funding).not.toBe(0);
    expect(funding).toBeCloseTo(best.funding, 9);
  }, 120_000);
});

describe('walk-forward', () => {
  it('rolling windows: optimise on train, trade the next test window only; deterministic across worker counts, pooled or not', async () => {
    const g = parseGrid('tp_atr=1.0,1.5,sl_atr=0.7,1.1', config);
    const a = await walkforward({ base: config, grid: g, series, trainDays: 10, testDays: 5, stepDays: 5, metric: 'net_pnl', workers: 0 });
    const b = await walkforward({ base: config, grid: g, series, trainDays: 10, testDays: 5, stepDays: 5, metric: 'net_pnl', workers: 2 });
    const c = await walkforward({ base: config, grid: g, series, trainDays: 10, testDays: 5, stepDays: 5, metric: 'net_pnl', workers: 2, reuseWorkers: false });
    expect(b.summary).toEqual(a.summary);
    expect(c.summary).toEqual(a.summary);
    expect(a.summary.windows).toHaveLength(6); // (40 - 10) / 5
    expect(a.summary.windows[0]).toMatchObject({ trainFrom: '2025-01-01T00:00:00.000Z', trainTo: '2025-01-11T00:00:00.000Z', testFrom: '2025-01-11T00:00:00.000Z', testTo: '2025-01-16T00:00:00.000Z' });
    const testStart = Date.parse('2025-01-11T00:00:00Z');
    expect(a.trades.every((t) => t.entryTime >= testStart)).toBe(true);
    expect(a.summary.windows.reduce((x, w) => x + w.oosTrades, 0)).toBe(a.trades.length);
    expect(a.equity).toHaveLength(30 * 288);
    expect(a.equity[a.equity.length - 1]).toBeCloseTo(config.capital_usd + a.trades.reduce((x, t) => x + t.pnl, 0), 6);
    expect(a.summary.verdict).toMatch(/^(OUT-OF-SAMPLE POSITIVE|NO OUT-OF-SAMPLE EDGE): 6 windows/);
    await expect(walkforward({ base: config, grid: g, series, trainDays: 10, testDays: 5, stepDays: 2, metric: 'sharpe', workers: 0 })).rejects.toThrow(/overlap/);
    await expect(walkforward({ base: config, grid: g, series, trainDays: 38, testDays: 5, stepDays: 5, metric: 'sharpe', workers: 0 })).rejects.toThrow(/too few for one window/);
  }, 120_000);

  const BTC = '../shared/data/klines/BTCUSDT-5m-futures-2024-12-31_2026-02-19.csv.gz';
  it.skipIf(!existsSync(BTC))('over the real BTCUSDT 5m file: completes and the report states the out-of-sample verdict', () => {
    const out = mkdtempSync(join(tmpdir(), 'mft-wf-'));
    const r = spawnSync('node', ['functions/cli/bin.mjs', 'walkforward', '--data', BTC, '--grid', 'tp_atr=1.0,1.25,1.5,sl_atr=0.7,0.9,1.1', '--train', '90d', '--test', '30d', '--workers', '2', '--out', out], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { windows: unknown[]; verdict: string };
    console.log(`walk-forward BTCUSDT: ${summary.windows.length} windows; ${summary.verdict}`);
    expect(summary.windows.length).toBeGreaterThanOrEqual(10);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(JSON.stringify(summary.verdict).slice(1, 40));
    expect(r.stdout).toMatch(/(OUT-OF-SAMPLE POSITIVE|NO OUT-OF-SAMPLE EDGE)/);
  }, 600_000);
});
