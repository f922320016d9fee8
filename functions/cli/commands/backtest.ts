import type { Command } from 'commander';
import { resolve } from 'node:path';
import { loadConfig } from '../../../config/load.ts';
import { backtestJob } from '../../app/backtestJob.ts';
import { writeRunOutputs } from '../../app/writeRunOutputs.ts';
import { loadRunData } from '../../app/loadRunData.ts';
import { codeVersion } from '../codeVersion.ts';
import { formatSummary } from '../printSummary.ts';
import { progressBar } from '../progress.ts';

interface BacktestOpts {
  config: string;
  data?: string;
  funding?: string;
  detail?: string;
  symbol?: string;
  out?: string;
  allowGaps?: boolean;
  auditVerbose?: boolean;
}

export function register(program: Command): void {
  program
    .command('backtest')
    .description('fee-aware backtest of trending_v3 (spec: shared/specs/trading-semantics.md)')
    .option('--config <file>', 'stage config', 'config/stages/local.yaml')
    .option('--data <candles>', 'klines csv or csv.gz (default: the embedded synthetic market)')
    .option('--funding <file>', 'funding history csv(.gz); default: config costs.funding_rate_8h')
    .option('--detail <file>', '1m klines for intrabar TP/SL ordering')
    .option('--symbol <symbol>', 'symbol of the data file (default: from the file name)')
    .option('--out <dir>', 'write trades.csv, summary.json, equity.csv, audit.jsonl here')
    .option('--allow-gaps', 'run over gaps (indicator state restarts after each gap)')
    .option('--audit-verbose', 'keep per-bar audit records (bar, indicators, no-signal decisions)')
    .action(async (o: BacktestOpts) => {
      const { config, hash } = loadConfig(o.config);
      const data = await loadRunData({ data: o.data, funding: o.funding, detail: o.detail, symbol: o.symbol, config });
      if (!data.validation.ok && !o.allowGaps) {
        process.stderr.write(`${data.validation.text}\n\nrefusing to backtest invalid data (use --allow-gaps to run over gaps; indicators restart after each gap)\n`);
        process.exitCode = 1;
        return;
      }
      const bar = progressBar('backtest');
      const job = backtestJob({
        cfg: data.config,
        configHash: hash,
        codeVersion: codeVersion(),
        series: [data.series],
        dataSha256: data.sha256,
        funding: data.funding,
        detail: data.detail ? [data.detail] : undefined,
        allowGaps: !!o.allowGaps,
        auditVerbose: !!o.auditVerbose,
        onProgress: bar.update,
      });
      bar.stop();
      const extra: Record<string, string> = { data: data.label, 'config hash': hash.slice(0, 16) };
      if (job.result.gaps > 0) extra.gaps = `${job.result.gaps} (indicator state restarted after each)`;
      if (data.validation.warnings > 0) extra.warnings = `${data.validation.warnings} (see mft validate)`;
      process.stdout.write(formatSummary(`Backtest ${data.config.symbols.join(',')} ${data.config.timeframe}`, job.metrics, extra) + '\n');
      if (o.out) {
        const files = writeRunOutputs(resolve(o.out), {
          trades: job.result.trades,
          times: data.series.openTime,
          equity: job.result.equity,
          audit: job.audit,
          summary: job.summary,
          report: { title: `Backtest ${data.config.symbols.join(',')} ${data.config.timeframe}`, meta: { ...extra, trades: String(job.result.trades.length), 'code version': codeVersion() }, series: data.series, metrics: job.metrics },
        });
        process.stdout.write(`\nwrote ${files.join(', ')}\n`);
      }
    });
}
