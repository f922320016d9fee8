import type { Command } from 'commander';
import type { KillSwitchMode } from '../../core/types.ts';
import { isoUtc } from '../../core/market/timeframe.ts';
import { openStage } from '../../wiring/stageStore.ts';

async function setMode(stage: string, home: string, mode: KillSwitchMode): Promise<void> {
  const st = await openStage(stage, home).catch(async (err: Error) => {
    if (stage !== 'local') throw err;
    // the local kill switch is just a file; it can be set before any run
    const { FileKillSwitch } = await import('../../adapters/local/fileKillSwitch.ts');
    const { join } = await import('node:path');
    return { killSwitch: new FileKillSwitch(join(home, 'halt')), where: join(home, 'halt'), close: async () => undefined };
  });
  try {
    await st.killSwitch.write(mode);
    process.stdout.write(`${stage}: kill switch = ${mode} (${st.where})\n`);
  } finally {
    await st.close();
  }
}

/** `mft halt|resume|status --stage <stage>` (SSM for AWS stages, the file for local). */
export function register(program: Command): void {
  program
    .command('halt')
    .description('stop new entries (open positions keep their exchange stops); --flatten also closes everything')
    .requiredOption('--stage <stage>', 'local | paper | live')
    .option('--flatten', 'close every position at market and cancel orders, then halt')
    .option('--home <dir>', 'local state directory', '.mft')
    .action((o: { stage: string; flatten?: boolean; home: string }) => setMode(o.stage, o.home, o.flatten ? 'flatten' : 'halt'));
  program
    .command('resume')
    .description('allow entries again (kill switch off)')
    .requiredOption('--stage <stage>', 'local | paper | live')
    .option('--home <dir>', 'local state directory', '.mft')
    .action((o: { stage: string; home: string }) => setMode(o.stage, o.home, 'off'));
  program
    .command('status')
    .description('position, day P&L, halt state, last bar processed and its latency')
    .requiredOption('--stage <stage>', 'local | paper | live')
    .option('--home <dir>', 'local state directory', '.mft')
    .action(async (o: { stage: string; home: string }) => {
      const st = await openStage(o.stage, o.home);
      try {
        const mode = await st.killSwitch.read().catch((e: Error) => `unreadable (${e.message}) -> treated as halt`);
        const stored = await st.store.load();
        const lines = [`stage ${o.stage}: ${st.where}`, `kill switch     ${mode}`];
        if (!stored) lines.push('no state yet');
        else {
          const s = stored.state;
          lines.push(`last bar        ${stored.lastBarOpenTime === null ? '-' : isoUtc(stored.lastBarOpenTime)} (state version ${stored.version})`);
          for (const x of s.symbols) {
            const p = x.position;
            lines.push(`${x.symbol.padEnd(15)} ${p ? `${p.side === 1 ? 'LONG' : 'SHORT'} ${p.qty} @ ${p.entryPrice} (TP ${p.tp}, SL ${p.sl}) since ${isoUtc(p.entryTime)}` : x.pending ? `entry pending (${x.pending.clientOrderId})` : 'flat'}`);
          }
          lines.push(`equity          ${s.equity.toFixed(2)} (realized ${s.realized.toFixed(2)})`, `day P&L         ${(s.equity - s.dayStartEquity).toFixed(2)}${s.haltDay === s.day ? ' (daily-loss halt active today)' : ''}`);
          const tail = await st.store.readAudit(Math.max(0, stored.auditSeq - 50));
          const inv = tail.map((c) => c.record as { type: string; klineDelayMs?: number; ackMs?: number | null }).filter((r) => r.type === 'invocation').pop();
          if (inv) lines.push(`last invocation kline delay ${inv.klineDelayMs ?? '-'} ms, bar close -> order ack ${inv.ackMs ?? '- (no order)'} ms`);
        }
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        await st.close();
      }
    });
}
