import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOBUF_STUB } from '../lib/constructs/lambdaDefaults.ts';

/** The same esbuild settings as lib/constructs/lambdaDefaults.ts (CDK's NodejsFunction bundling). */
async function bundle(entry: string, outfile: string): Promise<number> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    alias: { protobufjs: PROTOBUF_STUB },
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  return statSync(outfile).size;
}

/** Fresh process: import the bundle (module init, no invocation), best of 5. */
function initMs(file: string): number {
  const probe = join(tmpdir(), `mft-init-${process.pid}.mjs`);
  writeFileSync(probe, `const t0 = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t0));`);
  let best = Infinity;
  for (let i = 0; i < 5; i++) best = Math.min(best, Number(execFileSync(process.execPath, [probe], { encoding: 'utf8', env: { ...process.env, MFT_STAGE: 'bench' } })));
  return best;
}

export interface BundleBench {
  fn: string;
  bytes: number;
  limitBytes: number;
  initMs: number;
}

export async function bundleBench(): Promise<BundleBench[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mft-bundles-'));
  const fns: Array<[string, number]> = [
    ['bar-close', 3 * 1024 * 1024],
    ['telegram-notifier', 1024 * 1024],
    ['backtest', 3 * 1024 * 1024],
  ];
  const out: BundleBench[] = [];
  for (const [fn, limit] of fns) {
    const file = join(dir, `${fn}.mjs`);
    const bytes = await bundle(join('functions', 'handlers', `${fn}.ts`), file);
    out.push({ fn, bytes, limitBytes: limit, initMs: initMs(file) });
  }
  return out;
}
