import { Option, type Command } from 'commander';
import { parseFaults } from '../../emulator/faults.ts';
import { resolve } from 'node:path';
import { loadConfig } from '../../../config/load.ts';
import { loadRunData } from '../../app/loadRunData.ts';
import { sliceSeries } from '../../core/market/bar.ts';
import { localReplayJob } from '../../app/localReplayJob.ts';
import { parseWhen } from '../../handlers/backtestEvent.ts';
import { codeVersion } from '../codeVersion.ts';
import { formatReplayReport } from '../formatReplay.ts';
import { progressBar } from '../progress.ts';

interface ReplayOpts {
  config: string;
  data?: string;
  funding?: string;
  from?: string;
  to?: string;
  out?: string;
  home: string;
  exchange: 'emulator' | 'sim';
  faults?: string;
  seed: string;
}

export function register(program: Command): void {
  program
    .command('replay')
    .description('replay the real bar-close handler over candles (virtual clock, dynalite, local exchange) and diff it with the backtest')
    .option('--config <file>', 'stage config', 'config/stages/local.yaml')
    .option('--data <candles>', 'klines csv(.gz) (default: the embedded synthetic market)')
    .option('--funding <file>', 'funding history csv(.gz) (not yet charged by the local exchange: see README)')
    .option('--from <date>', 'first bar (YYYY-MM-DD or ISO)')
    .option('--to <date>', 'end (exclusive)')
    .option('--out <dir>', 'write trades.csv, summary.json, equity.csv, audit.jsonl, parity.json')
    .option('--home <dir>', 'local state (dynalite, kill switch, notifications)', '.mft')
    .addOption(new Option('--exchange <kind>', 'emulator: our Binance USD-M emulator over HTTP via unmodified ccxt; sim: the same matching in process').choices(['emulator', 'sim']).default('emulator'))
    .option('--faults <spec>', 'emulator faults, e.g. "timeout@POST:/fapi/v1/order%0.05,status=503@klines%0.02" (see README)')
    .option('--seed <n>', 'seed of the %probability faults', '1')
    .option('--fresh', 'start over (default: resume from the state in --home; Ctrl-C stops after the current bar and can be resumed)')
    .action(async (o: ReplayOpts & { fresh?: boolean }) => {
      if (o.faults) parseFaults(o.faults); // a bad spec fails before any work
      const seed = Number(o.seed);
      if (!Number.isInteger(seed)) throw new Error(`--seed ${o.seed}: must be an integer`);
      const { config, hash } = loadConfig(o.config);
      if (o.funding) throw new Error('--funding: the local exchange charges the config rate only for now; run without --funding');
      const from = o.from ? parseWhen(o.from) : undefined;
      const to = o.to ? parseWhen(o.to) : undefined;
      if (from === null || to === null) throw new Error('--from/--to must be dates (YYYY-MM-DD or ISO)');
      // The exchange gets the market past --to (it goes on after the bot stops: an order sent at the
      // last close fills at the next open, and a later run with a later --to resumes on it).
      const data = await loadRunData({ config, data: o.data, from });
      if (!data.validation.ok) {
        process.stderr.write(`${data.validation.text}\n\nrefusing to replay invalid data\n`);
        process.exitCode = 1;
        return;
      }
      const bar = progressBar('replay');
      // Ctrl-C: finish the bar in flight, save the exchange book, report; the next run resumes.
      const stop = new AbortController();
      const onInt = (): void => stop.abort();
      process.once('SIGINT', onInt);
      let end = data.series.length;
      if (to !== undefined) while (end > 0 && data.series.openTime[end - 1]! >= to) end--;
      const series = end === data.series.length ? data.series : sliceSeries(data.series, 0, end);
      const r = await localReplayJob({ cfg: data.config, configHash: hash, codeVersion: codeVersion(), series, market: data.series, home: o.home, out: o.out ? resolve(o.out) : undefined, onProgress: bar.update, exchange: o.exchange, faults: o.faults, seed, fresh: !!o.fresh, signal: stop.signal }).finally(() => process.off('SIGINT', onInt));
      bar.stop();
      process.stdout.write(formatReplayReport(`Replay ${data.config.symbols.join(',')} ${data.config.timeframe}`, r, { data: data.label, 'config hash': hash.slice(0, 16) }) + '\n');
      if (o.out) process.stdout.write(`\nreport: ${resolve(o.out, 'report.html')}\n`);
      if (!r.parity.equal) process.exitCode = 1;
    });
}
