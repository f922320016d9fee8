import type { Command } from 'commander';
import { dailyReport, formatDailyReport } from '../../app/dailyReport.ts';
import { isoDay, utcDay } from '../../core/market/timeframe.ts';
import { openStage } from '../../wiring/stageStore.ts';

/** `mft report --stage <stage> --date <d>`: the daily report (what the 00:05 UTC Lambda sends), printed. */
export function register(program: Command): void {
  program
    .command('report')
    .description('the daily report of one UTC day, with its parity section (same text the daily-report Lambda sends to Telegram)')
    .requiredOption('--stage <stage>', 'local | paper | live')
    .option('--date <YYYY-MM-DD>', 'UTC day (default: yesterday; for local, the last full day of the last run)')
    .option('--home <dir>', 'local state directory', '.mft')
    .option('--json', 'print the report as JSON')
    .action(async (o: { stage: string; date?: string; home: string; json?: boolean }) => {
      const st = await openStage(o.stage, o.home);
      try {
        let day = o.date;
        if (!day) {
          // AWS stages: yesterday. Local: the day before the last bar the replay processed.
          const last = o.stage === 'local' ? (await st.store.load())?.lastBarOpenTime : Date.now();
          if (last === null || last === undefined) throw new Error(`no state in ${st.where}: run \`npm start\` first or pass --date`);
          day = isoDay(utcDay(last) - 1);
        }
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`--date ${day}: expected YYYY-MM-DD`);
        const r = await dailyReport({ cfg: st.cfg, store: st.store, day });
        process.stdout.write((o.json ? JSON.stringify(r, null, 2) : formatDailyReport(r)) + '\n');
        if (r.parity.status === 'differs') process.exitCode = 1;
      } finally {
        await st.close();
      }
    });
}
