import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOBUF_STUB } from '../lib/constructs/lambdaDefaults.ts';

/** The same esbuild settings as lib/constructs/lambdaDefaults.ts (CDK's NodejsFunction bundling). */
async function bundle(entry: string, outfile: string, metafile = false): Promise<{ bytes: number; inputs: string[] }> {
  const r = await build({
    metafile,
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
  return { bytes: statSync(outfile).size, inputs: Object.keys(r.metafile?.inputs ?? {}) };
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

/** Every function's bundle (size against its limit) and, unless `init` is false, its fresh-process init time. */
export async function bundleBench(init = true): Promise<BundleBench[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mft-bundles-'));
  const fns: Array<[string, number]> = [
    ['bar-close', 3 * 1024 * 1024],
    ['telegram-notifier', 1024 * 1024],
    ['daily-report', 1024 * 1024],
    ['backtest', 3 * 1024 * 1024],
  ];
  const out: BundleBench[] = [];
  for (const [fn, limit] of fns) {
    const file = join(dir, `${fn}.mjs`);
    const { bytes } = await bundle(join('functions', 'handlers', `${fn}.ts`), file);
    out.push({ fn, bytes, limitBytes: limit, initMs: init ? initMs(file) : Number.NaN });
  }
  return out;
}

export interface BinanceBundleBench {
  /** Our adapter's ccxt part: the binanceusdm class alone + createBinanceClient + CcxtExchange. */
  oursBytes: number;
  /** `import { binanceusdm } from 'ccxt'` (the barrel), same settings, same run. */
  barrelBytes: number;
  sizeRatio: number;
  oursInitMs: number;
  barrelInitMs: number;
  initRatio: number;
  /** ccxt exchange modules in our bundle (must be binance + binanceusdm only) and ccxt pro files (none). */
  exchanges: string[];
  proFiles: number;
  inputs: number;
}

/** Issue: the bar-close bundle's binance part vs the ccxt barrel. */
export async function binanceBundleBench(): Promise<BinanceBundleBench> {
  const dir = mkdtempSync(join(tmpdir(), 'mft-binance-'));
  const root = process.cwd();
  const oursEntry = join(dir, 'ours.ts');
  writeFileSync(oursEntry, `export { CcxtExchange } from ${JSON.stringify(join(root, 'functions/adapters/binance/ccxtExchange.ts'))};\nexport { createBinanceClient } from ${JSON.stringify(join(root, 'functions/adapters/binance/createBinanceClient.ts'))};\n`);
  const barrelEntry = join(root, 'bench', '.barrel-entry.mjs');
  writeFileSync(barrelEntry, "export { binanceusdm } from 'ccxt';\n");
  try {
    const ours = await bundle(oursEntry, join(dir, 'ours.mjs'), true);
    const barrel = await bundle(barrelEntry, join(dir, 'barrel.mjs'), true);
    const ccxtSrc = ours.inputs.map((p) => /node_modules\/ccxt\/js\/src\/(.*)$/.exec(p)?.[1]).filter((x): x is string => x !== undefined);
    const exchanges = ccxtSrc.filter((p) => /^[a-z0-9]+\.js$/.test(p)).map((p) => p.replace(/\.js$/, ''));
    const oursInitMs = initMs(join(dir, 'ours.mjs'));
    const barrelInitMs = initMs(join(dir, 'barrel.mjs'));
    return {
      oursBytes: ours.bytes,
      barrelBytes: barrel.bytes,
      sizeRatio: ours.bytes / barrel.bytes,
      oursInitMs,
      barrelInitMs,
      initRatio: oursInitMs / barrelInitMs,
      exchanges,
      proFiles: ccxtSrc.filter((p) => p.startsWith('pro/')).length,
      inputs: ours.inputs.length,
    };
  } finally {
    rmSync(barrelEntry, { force: true });
  }
}
