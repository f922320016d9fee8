import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { localLambdaContext } from '../lambdaContext.ts';

type Handler = (event: unknown, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>;

/** `mft invoke <function> <event.json>`: runs a Lambda handler locally with a Lambda-shaped context. */
export function register(program: Command): void {
  program
    .command('invoke')
    .description('invoke a Lambda handler locally: mft invoke backtest events/backtest-synthetic.json')
    .argument('<function>', 'handler name under functions/handlers (backtest, bar-close, daily-report, telegram-notifier)')
    .argument('<event>', 'JSON event file')
    .action(async (fn: string, eventPath: string) => {
      const aws = resolve('functions/handlers', `${fn}.ts`);
      if (!/^[a-z-]+$/.test(fn) || !existsSync(aws)) throw new Error(`no handler named '${fn}' (looked for ${aws})`);
      // Off AWS, a handler with a local composition (functions/handlers/local/) runs that one: same
      // handler logic, local peers instead of AWS clients (kept out of the Lambda bundles).
      const local = resolve('functions/handlers/local', `${fn}.ts`);
      const stage = process.env.MFT_STAGE;
      const file = (!stage || stage === 'local') && existsSync(local) ? local : aws;
      let event: unknown;
      try {
        event = JSON.parse(readFileSync(eventPath, 'utf8'));
      } catch (err) {
        throw new Error(`cannot read event ${eventPath}: ${(err as Error).message}`, { cause: err });
      }
      const mod = (await import(file)) as { handler?: Handler };
      if (typeof mod.handler !== 'function') throw new Error(`${file} exports no handler`);
      const out = await mod.handler(event, localLambdaContext(`mft-local-${fn}`));
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    });
}
