import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.ts';

const program = new Command();
program
  .name('mft')
  .description('MFT: trending_v3 on Binance USD-M perpetuals - backtest, replay, operate')
  .showHelpAfterError()
  .exitOverride();

for (const load of commands) (await load()).register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const e = err as Error;
  process.stderr.write(`mft: ${e.message}\n`);
  if (process.env.MFT_DEBUG) process.stderr.write(`${e.stack ?? ''}\n`);
  process.exit(1);
}
