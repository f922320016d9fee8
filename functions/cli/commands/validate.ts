import type { Command } from 'commander';
import { loadCandles } from '../../adapters/local/candles.ts';
import { formatValidationReport, validateCandles } from '../../core/market/validate.ts';

/** `mft validate <file>`: the candle report; exit 1 on errors (warnings allowed). */
export function register(program: Command): void {
  program
    .command('validate')
    .description('check candles: gaps, duplicates, order, OHLC consistency, prices (exit 1 on errors)')
    .argument('<file>', 'klines csv or csv.gz')
    .option('--json', 'print the report as JSON')
    .action((file: string, o: { json?: boolean }) => {
      const { series } = loadCandles(file);
      const r = validateCandles(series);
      process.stdout.write((o.json ? JSON.stringify(r, null, 2) : formatValidationReport(r, file)) + '\n');
      if (!r.ok) process.exitCode = 1;
    });
}
