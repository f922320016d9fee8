import { Option, type Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { loadConfig } from '../../../config/load.ts';
import { fundingLookup, loadFunding, type FundingSeries } from '../../adapters/local/candles.ts';
import { backtestJob } from '../../app/backtestJob.ts';
import { loadRunData } from '../../app/loadRunData.ts';
import { writeRunOutputs } from '../../app/writeRunOutputs.ts';
import { comboConfig, parseGrid } from '../../app/sweep/grid.ts';
import { runSweep } from '../../app/sweep/runSweep.ts';
import { resultsCsv, summarizeSweep, SWEEP_METRICS } from '../../app/sweep/sweepSummary.ts';
import { parseDays, walkforward } from '../../app/sweep/walkforward.ts';
import { parseWhen } from '../../handlers/backtestEvent.ts';
import { tradesCsv, equityCsv } from '../../core/report/tradesCsv.ts';
import { renderHtmlReport } from '../../app/htmlReport.ts';
import { codeVersion } from '../codeVersion.ts';
import { progressBar } from '../progress.ts';

interface DataOpts {
  config: string;
  data?: string;
  funding?: string;
  from?: string;
  to?: string;
  grid: string;
  workers: string;
  metric: string;
  out: string;
}

async function loadInputs(o: DataOpts) {
  const { config, hash } = loadConfig(o.config);
  const grid = parseGrid(o.grid, config); // a bad grid fails here, before any data or work
  const workers = Number(o.workers);
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`--workers ${o.workers}: expected an integer >= 0`);
  if (!SWEEP_METRICS[o.metric]) throw new Error(`--metric ${o.metric}: expected one of ${Object.keys(SWEEP_METRICS).join(', ')}`);
  const from = o.from ? parseWhen(o.from) : undefined;
  const to = o.to ? parseWhen(o.to) : undefined;
  if (from === null || to === null) throw new Error('--from/--to must be dates (YYYY-MM-DD or ISO)');
  const data = await loadRunData({ config, data: o.data, from, to });
  if (!data.validation.ok) throw new Error(`${data.validation.text}\n\nrefusing to sweep invalid data`);
  const funding: FundingSeries | undefined = o.funding ? loadFunding(o.funding) : undefined;
  return { config: data.config, hash, grid, workers, data, funding };
}

const dataOptions = (c: Command): Command =>
  c
    .option('--config <file>', 'stage config (the base every combination overrides)', 'config/stages/local.yaml')
    .option('--data <candles>', 'klines csv(.gz) (default: the embedded synthetic market)')
    .option('--funding <file>', 'funding history csv(.gz)')
    .option('--from <date>', 'first bar (YYYY-MM-DD or ISO)')
    .option('--to <date>', 'end (exclusive)')
    .requiredOption('--grid <spec>', 'e.g. "tp_atr=0.8:2.0:0.05,sl_atr=0.5:1.5:0.1,adx_min=15,20,25"')
    .option('--workers <n>', 'worker threads (0 = this thread)', String(availableParallelism()))
    .addOption(new Option('--metric <name>', 'what "best" means').choices(Object.keys(SWEEP_METRICS)).default('sharpe'))
    .requiredOption('--out <dir>', 'output directory');

/** `mft sweep` and `mft walkforward`: research at scale on the one engine. */
export function register(program: Command): void {
  dataOptions(program.command('sweep').description('every combination of a parameter grid through the engine on worker threads; results.csv, overfitting check (PBO, DSR), report.html'))
    .option('--blocks <n>', 'CSCV blocks for the probability of backtest overfitting (even)', '16')
    .option('--remote', 'run on the stage\'s Step Functions sweep (Distributed Map) instead of this machine')
    .option('--stage <stage>', 'AWS stage for --remote (paper | live)')
    .action(async (o: DataOpts & { blocks: string; remote?: boolean; stage?: string }) => {
      if (o.remote) {
        if (!o.stage || o.stage === 'local') throw new Error('--remote needs --stage <an AWS stage> (e.g. paper)');
        const { config, grid, data } = await loadInputs(o);
        const [{ S3Client }, { SFNClient }, { SSMClient }, { startRemoteSweep }, { readFileSync }] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/client-sfn'), import('@aws-sdk/client-ssm'), import('../../app/sweep/startRemoteSweep.ts'), import('node:fs')]);
        const region = loadConfig(`config/stages/${o.stage}.yaml`).config.stage.region;
        const runId = `sweep-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        const r = await startRemoteSweep({ ssm: new SSMClient({ region }), s3: new S3Client({ region }), sfn: new SFNClient({ region }) }, { stage: o.stage, base: config, grid, gridSpec: o.grid, metric: o.metric, series: data.series, fundingCsv: o.funding ? readFileSync(o.funding) : undefined, runId });
        process.stdout.write(`started ${r.executionArn}\n${grid.size} combinations; results: ${r.results} (and summary.json beside it)\n`);
        return;
      }
      const { config, hash, grid, workers, data, funding } = await loadInputs(o);
      const bar = progressBar(`sweep ${grid.size} combinations`, 'combinations');
      const r = await runSweep({ base: config, grid, series: data.series, funding, workers, onProgress: bar.update });
      bar.stop();
      const sum = summarizeSweep(grid, r.rows, o.metric, Number(o.blocks));
      const out = resolve(o.out);
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'results.csv'), resultsCsv(grid, r.rows));
      // the best combination in full: its trades, equity, audit and the report's charts
      const bestCfg = comboConfig(config, grid, sum.best.index);
      const job = backtestJob({ cfg: bestCfg, configHash: hash, codeVersion: codeVersion(), series: [data.series], funding: funding ? fundingLookup(funding, data.series.intervalMs) : undefined });
      const summary = { grid: grid.axes.map((a) => ({ key: a.key, values: a.values })), combinations: grid.size, workers: r.workers, elapsedMs: Math.round(r.elapsedMs), indicatorSettings: r.indicatorSettings, tapesRecorded: r.tapesRecorded, data: data.label, configHash: hash, metric: o.metric, best: sum.best, top: sum.top, pbo: sum.pbo ? { pbo: sum.pbo.pbo, splits: sum.pbo.splits, blocks: sum.pbo.blocks, periods: sum.pbo.periods, medianOosRank: sum.pbo.medianOosRank } : { skipped: sum.pboSkipped }, dsr: sum.dsr, verdict: sum.verdict };
      writeRunOutputs(out, {
        trades: job.result.trades,
        times: data.series.openTime,
        equity: job.result.equity,
        audit: job.audit,
        summary,
        report: { title: `Sweep ${grid.size} combinations, ${config.symbols.join(',')} ${config.timeframe}`, meta: { data: data.label, 'config hash': hash.slice(0, 16), workers: String(r.workers), 'elapsed': `${(r.elapsedMs / 1000).toFixed(1)} s` }, series: data.series, metrics: job.metrics, sweep: sum },
      });
      const keys = grid.axes.map((a) => a.key);
      const lines = [`Sweep: ${grid.size} combinations on ${r.workers || 1} thread(s) in ${(r.elapsedMs / 1000).toFixed(1)} s (${data.label})`, `indicators: ${r.indicatorSettings} distinct setting(s); ${r.tapesRecorded} indicator series computed once and shared${r.indicatorSettings > r.tapesRecorded ? `, ${r.indicatorSettings - r.tapesRecorded} used by one combination each (computed inline)` : ''}`, '', `top by ${o.metric}:`, `  ${['#', ...keys, o.metric].map((k) => k.padStart(10)).join(' ')}`];
      for (const t of sum.top.slice(0, 10)) lines.push(`  ${[String(t.index), ...keys.map((k) => String(t.params[k])), t.value === null ? '-' : t.value.toFixed(4)].map((k) => k.padStart(10)).join(' ')}`);
      lines.push('', sum.pbo ? `probability of backtest overfitting: ${(sum.pbo.pbo * 100).toFixed(1)}% (${sum.pbo.splits} CSCV splits of ${sum.pbo.blocks} blocks over ${sum.pbo.periods} days)` : `probability of backtest overfitting: not computed (${sum.pboSkipped})`);
      lines.push(`deflated Sharpe ratio of the best: ${(sum.dsr.dsr * 100).toFixed(1)}% (daily Sharpe ${sum.dsr.sharpe.toFixed(4)} vs ${sum.dsr.threshold.toFixed(4)} expected from ${sum.dsr.trials} unskilled trials)`);
      lines.push(`verdict: ${sum.verdict}`, '', `wrote ${join(out, 'results.csv')}, summary.json, trades.csv, equity.csv, audit.jsonl (best combination)`, `report: ${join(out, 'report.html')}`);
      process.stdout.write(lines.join('\n') + '\n');
    });

  dataOptions(program.command('walkforward').description('optimise on each train window, evaluate on the next test window, stitch the out-of-sample record'))
    .requiredOption('--train <days>', 'train window, e.g. 90d')
    .requiredOption('--test <days>', 'test window, e.g. 30d')
    .option('--step <days>', 'window step (default: the test window)')
    .option('--anchored', 'train windows all start at the first bar (default: rolling)')
    .action(async (o: DataOpts & { train: string; test: string; step?: string; anchored?: boolean }) => {
      const trainDays = parseDays('--train', o.train);
      const testDays = parseDays('--test', o.test);
      const stepDays = o.step ? parseDays('--step', o.step) : testDays;
      const { config, hash, grid, workers, data, funding } = await loadInputs(o);
      const bar = progressBar(`walk-forward (${grid.size} combinations per window)`, 'windows');
      const r = await walkforward({ base: config, grid, series: data.series, funding, trainDays, testDays, stepDays, anchored: !!o.anchored, metric: o.metric, workers, onProgress: bar.update });
      bar.stop();
      const out = resolve(o.out);
      mkdirSync(out, { recursive: true });
      const head = ['window', 'train_from', 'train_to', 'test_from', 'test_to', ...grid.axes.map((a) => a.key), `is_${o.metric}`, `oos_${o.metric}`, 'oos_trades', 'oos_pnl'];
      const rows = r.summary.windows.map((w, k) => [k + 1, w.trainFrom, w.trainTo, w.testFrom, w.testTo, ...grid.axes.map((a) => w.params[a.key]), w.isMetric ?? '', w.oosMetric ?? '', w.oosTrades, w.oosPnl].join(','));
      writeFileSync(join(out, 'windows.csv'), [head.join(','), ...rows].join('\n') + '\n');
      writeFileSync(join(out, 'trades.csv'), tradesCsv(r.trades));
      writeFileSync(join(out, 'equity.csv'), equityCsv(r.series.openTime, r.equity));
      writeFileSync(join(out, 'summary.json'), JSON.stringify({ data: data.label, configHash: hash, trainDays, testDays, stepDays, ...r.summary }, null, 2) + '\n');
      const metrics = r.summary.oos;
      writeFileSync(join(out, 'report.html'), renderHtmlReport({ title: `Walk-forward ${trainDays}d/${testDays}d/${stepDays}d ${o.anchored ? 'anchored' : 'rolling'}, ${config.symbols.join(',')} ${config.timeframe}`, meta: { data: data.label, 'config hash': hash.slice(0, 16), windows: String(r.summary.windows.length) }, series: r.series, trades: r.trades, audit: [], times: r.series.openTime, equity: r.equity, metrics, walkforward: r.summary }));
      const lines = [`Walk-forward: ${r.summary.windows.length} windows (${trainDays}d train / ${testDays}d test / ${stepDays}d step, ${o.anchored ? 'anchored' : 'rolling'}), best by ${o.metric}`];
      for (const [k, w] of r.summary.windows.entries()) lines.push(`  ${String(k + 1).padStart(2)} test ${w.testFrom.slice(0, 10)}..${w.testTo.slice(0, 10)} ${Object.entries(w.params).map(([a, v]) => `${a}=${v}`).join(' ')}  IS ${w.isMetric?.toFixed(3) ?? '-'}  OOS ${w.oosMetric?.toFixed(3) ?? '-'}  trades ${w.oosTrades}  P&L ${w.oosPnl.toFixed(2)}`);
      lines.push('', r.summary.verdict, '', `wrote ${join(out, 'windows.csv')}, trades.csv, equity.csv, summary.json`, `report: ${join(out, 'report.html')}`);
      process.stdout.write(lines.join('\n') + '\n');
    });
}
