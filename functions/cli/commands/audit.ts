import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { verifyChain } from '../../app/auditChain.ts';
import { openStage } from '../../wiring/stageStore.ts';

/** `mft audit verify|export --stage <stage>`: walk the hash chain; export it as JSONL. */
export function register(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit trail');
  audit
    .command('verify')
    .description('walk the chain and name the first broken or missing link (exit 1)')
    .requiredOption('--stage <stage>', 'local | paper | live')
    .option('--home <dir>', 'local state directory', '.mft')
    .action(async (o: { stage: string; home: string }) => {
      const st = await openStage(o.stage, o.home);
      try {
        const chain = await st.store.readAudit();
        const stored = await st.store.load();
        const v = verifyChain(chain);
        if (!v.ok) {
          process.stdout.write(`BROKEN at seq ${v.seq}: ${v.problem}\n`);
          process.exitCode = 1;
          return;
        }
        if (stored && (stored.auditHead !== v.head || stored.auditSeq > chain.length)) {
          process.stdout.write(`BROKEN: the state's chain head (seq ${stored.auditSeq - 1}) is missing from the trail (it ends at seq ${chain.length - 1})\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`OK: ${v.records} records, head ${v.head.slice(0, 16)}… (${st.where})\n`);
      } finally {
        await st.close();
      }
    });
  audit
    .command('export')
    .description('write the chain as JSONL ({seq, prevHash, hash, record} per line)')
    .requiredOption('--stage <stage>', 'local | paper | live')
    .requiredOption('--out <file>', 'output .jsonl')
    .option('--home <dir>', 'local state directory', '.mft')
    .action(async (o: { stage: string; out: string; home: string }) => {
      const st = await openStage(o.stage, o.home);
      try {
        const chain = await st.store.readAudit();
        writeFileSync(o.out, chain.map((c) => JSON.stringify(c)).join('\n') + '\n');
        process.stdout.write(`wrote ${chain.length} records to ${o.out}\n`);
      } finally {
        await st.close();
      }
    });
}
