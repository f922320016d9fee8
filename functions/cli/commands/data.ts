import { Option, type Command } from 'commander';
import { createBinanceClient } from '../../adapters/binance/createBinanceClient.ts';
import { fetchData } from '../../app/fetchData.ts';
import { formatValidationReport } from '../../core/market/validate.ts';
import { parseWhen } from '../../handlers/backtestEvent.ts';
import { progressBar } from '../progress.ts';

interface FetchOpts {
  symbol: string;
  timeframe: string;
  from: string;
  to: string;
  out: string;
  fundingOut?: string;
  exchange: 'live' | 'demo';
  emulator?: string;
  allowGaps?: boolean;
}

/** `mft data fetch`: Binance klines + funding into the shared csv.gz format (public endpoints, no keys). */
export function register(program: Command): void {
  const data = program.command('data').description('market data');
  data
    .command('fetch')
    .description('fetch closed klines (and funding history) via ccxt into csv.gz; resumable, validated on write')
    .requiredOption('--symbol <symbol>', 'Binance USD-M symbol, e.g. BTCUSDT')
    .option('--timeframe <tf>', 'kline interval', '5m')
    .requiredOption('--from <date>', 'first bar (YYYY-MM-DD or ISO)')
    .requiredOption('--to <date>', 'end, exclusive (YYYY-MM-DD or ISO)')
    .requiredOption('--out <file>', 'klines csv.gz (an interrupted run leaves <file>.partial and resumes from it)')
    .option('--funding-out <file>', 'also fetch the funding history into this csv.gz')
    .addOption(new Option('--exchange <host>', 'Binance mainnet or demo hosts').choices(['live', 'demo']).default('live'))
    .option('--emulator <url>', 'an `mft emulator` REST URL instead of Binance')
    .option('--allow-gaps', 'write data with gaps (exchange maintenance) instead of refusing')
    .action(async (o: FetchOpts) => {
      const from = parseWhen(o.from);
      const to = parseWhen(o.to);
      if (from === null || to === null) throw new Error('--from/--to must be dates (YYYY-MM-DD or ISO)');
      // public endpoints: no keys; ccxt's own throttle keeps the pages within Binance's weights
      const ccxt = o.emulator
        ? createBinanceClient({ mode: 'emulator', apiKey: '', secret: '', enableRateLimit: true, emulator: { rest: o.emulator, ws: o.emulator.replace(/^http/, 'ws') } })
        : createBinanceClient({ mode: o.exchange, apiKey: '', secret: '', enableRateLimit: true });
      const bar = progressBar('fetch');
      const r = await fetchData({ ccxt, symbol: o.symbol, timeframe: o.timeframe, from, to, out: o.out, fundingOut: o.fundingOut, allowGaps: o.allowGaps, onProgress: bar.update });
      bar.stop();
      process.stdout.write(`${formatValidationReport(r.validation, o.out)}\n`);
      if (!r.written) {
        process.stderr.write(`refusing to write invalid data; the fetched rows stay in ${o.out}.partial (--allow-gaps accepts gaps)\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`wrote ${o.out}: ${r.bars} bars in ${r.pages} kline request${r.pages === 1 ? "" : "s"}${r.resumedFrom !== null ? ` (resumed after ${new Date(r.resumedFrom).toISOString()})` : ''}${o.fundingOut ? `; ${o.fundingOut}: ${r.fundingRows} funding rows` : ''}\n`);
    });
}
