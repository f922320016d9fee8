import { Option, type Command } from 'commander';
import { loadConfig } from '../../../config/load.ts';
import { isoUtc } from '../../core/market/timeframe.ts';
import { openEmulator, parseAccount, type EmulatorAccount } from '../../emulator/openEmulator.ts';
import { parseWhen } from '../../handlers/backtestEvent.ts';

interface EmulatorOpts {
  data?: string;
  symbol?: string;
  funding?: string;
  start?: string;
  speed?: string;
  step?: boolean;
  port: string;
  host: string;
  faults?: string;
  seed: string;
  account: EmulatorAccount[];
  config?: string;
}

/**
 * `mft emulator`: a Binance USD-M futures emulator over candles. stdout gets exactly one JSON line
 * `{"rest":...,"ws":...}` (for scripts); everything else goes to stderr.
 */
export function register(program: Command): void {
  program
    .command('emulator')
    .description('serve Binance USD-M futures REST + WebSocket over candles (point ccxt binanceusdm urls.api at it)')
    .option('--data <candles>', 'klines csv(.gz) (default: the embedded synthetic market)')
    .option('--symbol <symbol>', 'symbol of --data (default: from the file name)')
    .option('--funding <file>', 'funding history csv(.gz) charged at 00/08/16 UTC (default: the config rate)')
    .option('--start <time>', 'emulated start (YYYY-MM-DD or ISO; default 1000 bars into the data)')
    .addOption(new Option('--speed <x>', 'emulated seconds per wall second').default('1').conflicts('step'))
    .option('--step', 'emulated time stands still; POST /_emu/advance?ms=N moves it')
    .option('--port <n>', 'port (0 = a free one)', '0')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--faults <spec>', 'fault injection, e.g. "timeout@POST:/fapi/v1/order#1,latency=200" (see README)')
    .option('--seed <n>', 'seed of the %probability faults', '1')
    .option('--account <key:secret:usdt>', 'an account (repeatable; default one printed at start)', (v: string, acc: EmulatorAccount[]) => [...acc, parseAccount(v)], [] as EmulatorAccount[])
    .option('--config <file>', 'costs, funding rate and market filters (default: the local stage defaults)')
    .action(async (o: EmulatorOpts) => {
      const start = o.start !== undefined ? parseWhen(o.start) : undefined;
      if (start === null) throw new Error(`--start ${o.start}: expected YYYY-MM-DD or an ISO time`);
      const speed = Number(o.speed);
      if (!o.step && !(speed > 0)) throw new Error(`--speed ${o.speed}: must be a positive number`);
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${o.port}: must be 0..65535`);
      const r = await openEmulator({
        data: o.data,
        symbol: o.symbol,
        funding: o.funding,
        start,
        speed,
        step: o.step,
        port,
        host: o.host,
        faults: o.faults,
        seed: Number(o.seed),
        accounts: o.account,
        config: o.config ? loadConfig(o.config).config : undefined,
      });
      const s = r.series;
      const err = (line: string) => process.stderr.write(`${line}\n`);
      err(`mft emulator: ${s.symbol} ${s.length} bars ${isoUtc(s.openTime[0]!)} .. ${isoUtc(s.openTime[s.length - 1]!)}; clock ${r.clock.mode === 'step' ? 'stepped (POST /_emu/advance?ms=N)' : `x${r.clock.speed}`} from ${isoUtc(r.clock.start)}`);
      for (const a of r.accounts) err(`  account key=${a.key} secret=${a.secret} balance=${a.balance} USDT`);
      if (o.faults) err(`  faults: ${o.faults}`);
      err('  ccxt: new binanceusdm({ apiKey, secret, options: { fetchCurrencies: false } }); then set urls.api (README "Trading against the emulator")');
      // last, so a script that has read the line has also had the account lines
      process.stdout.write(`${JSON.stringify({ rest: r.emu.rest, ws: r.emu.ws })}\n`);
      const stop = async () => {
        await r.emu.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      await new Promise(() => undefined); // serve until killed
    });
}
