import type { Command } from 'commander';
import { loadConfig } from '../../../config/load.ts';
import { backtestJob } from '../../app/backtestJob.ts';
import { loadRunData } from '../../app/loadRunData.ts';
import { writeRunOutputs } from '../../app/writeRunOutputs.ts';
import { codeVersion } from '../codeVersion.ts';
import { formatSummary } from '../printSummary.ts';

/**
 * `npm start`: the main job offline on embedded defaults. Until the local replay lands (DESIGN
 * section 8), it is a backtest of config/stages/local.yaml over the embedded synthetic market.
 */
export function register(program: Command): void {
  program
    .command('start')
    .description('the main job offline on embedded defaults (backtest of the local stage on the synthetic market)')
    .option('--out <dir>', 'where to write the run files', '.mft/runs/start')
    .action(async (o: { out: string }) => {
      const { config, hash } = loadConfig('config/stages/local.yaml');
      const data = await loadRunData({ config });
      const job = backtestJob({ cfg: data.config, configHash: hash, codeVersion: codeVersion(), series: [data.series] });
      process.stdout.write(formatSummary(`MFT local run: backtest of ${data.config.symbols.join(',')} ${data.config.timeframe}`, job.metrics, { data: data.label, 'config hash': hash.slice(0, 16) }) + '\n');
      const files = writeRunOutputs(o.out, { trades: job.result.trades, times: data.series.openTime, equity: job.result.equity, audit: job.audit, summary: job.summary });
      process.stdout.write(`\nwrote ${files.join(', ')}\n`);
    });
}
