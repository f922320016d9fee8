import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../../config/load.ts';
import { localReplayJob } from '../../app/localReplayJob.ts';
import { sliceSeries } from '../../core/market/bar.ts';
import { DEFAULT_MARKET, defaultMarket } from '../../core/market/synthetic.ts';
import { codeVersion } from '../codeVersion.ts';
import { formatReplayReport } from '../formatReplay.ts';
import { progressBar } from '../progress.ts';

const DAYS = 30;

/**
 * `npm start`: the main job offline on embedded defaults (DESIGN section 8): the real bar-close
 * handler replayed bar by bar over the embedded market against dynalite and the local exchange,
 * then the backtest over the same bars and the parity verdict.
 */
export function register(program: Command): void {
  program
    .command('start')
    .description(`offline replay of the local stage over the embedded market (first ${DAYS} days), with the parity verdict`)
    .option('--out <dir>', 'where to write the run files', '.mft/runs/start')
    .option('--home <dir>', 'local state (dynalite, kill switch, notifications)', '.mft')
    .action(async (o: { out: string; home: string }) => {
      const { config, hash } = loadConfig('config/stages/local.yaml');
      const series = sliceSeries(defaultMarket(), 0, DAYS * 288);
      const bar = progressBar('replay');
      const r = await localReplayJob({ cfg: config, configHash: hash, codeVersion: codeVersion(), series, home: o.home, out: o.out, onProgress: bar.update, fresh: true });
      bar.stop();
      process.stdout.write(
        formatReplayReport(`MFT local replay: ${config.symbols.join(',')} ${config.timeframe}, ${DAYS} days`, r, {
          data: `embedded synthetic market (seed ${DEFAULT_MARKET.seed}), first ${DAYS} days`,
          'config hash': hash.slice(0, 16),
        }) + '\n',
      );
      process.stdout.write(`\nwrote ${['trades.csv', 'summary.json', 'equity.csv', 'audit.jsonl', 'parity.json'].map((f) => join(o.out, f)).join(', ')}\n`);
      process.stdout.write(`report: ${resolve(o.out, 'report.html')} (open it in a browser; works offline)\n`);
      if (!r.parity.equal) process.exitCode = 1;
    });
}
