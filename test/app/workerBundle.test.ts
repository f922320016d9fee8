import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveEntry } from '../../functions/app/sweep/workerBundle.ts';

describe('sweep worker bundle (start-up: one esbuild bundle instead of tsx in every worker)', () => {
  it('is built once, reused while its inputs are unchanged, rebuilt when one changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mft-worker-cache-'));
    const a = await resolveEntry(dir);
    expect(a).toMatchObject({ kind: 'bundle', built: true });
    const code = readFileSync(fileURLToPath(a.url), 'utf8');
    expect(code).toContain('evaluateConfigs'); // the worker's own code is inside, not imported from sources
    const manifest = JSON.parse(readFileSync(join(dir, 'sweepWorker.json'), 'utf8')) as { inputs: Record<string, [number, number]> };
    expect(Object.keys(manifest.inputs)).toContain('functions/core/engine/stepBar.ts');
    // Workers get resolved configs: no config parser in the bundle (zod and yaml were 95% of its
    // 518 KB and ~50 ms of every worker's start). An import of config/load.ts would bring them back.
    expect(Object.keys(manifest.inputs).filter((p) => /node_modules\/(zod|yaml)\/|config\/load\.ts/.test(p))).toEqual([]);
    expect(code.length).toBeLessThan(150_000);
    const b = await resolveEntry(dir);
    expect(b).toMatchObject({ kind: 'bundle', built: false });
    expect(b.url.href).toBe(a.url.href);
    // an input that changed since the build (here: its recorded mtime no longer matches) forces a rebuild
    manifest.inputs['functions/core/engine/stepBar.ts']![0] -= 1000;
    writeFileSync(join(dir, 'sweepWorker.json'), JSON.stringify(manifest));
    expect(await resolveEntry(dir)).toMatchObject({ kind: 'bundle', built: true });
  }, 60_000);

  it('a rebuild removes old bundles, but never the newest two nor any younger than an hour', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mft-worker-cache-'));
    const now = Date.now() / 1000;
    const fake = (name: string, ageS: number) => {
      writeFileSync(join(dir, name), '// old bundle');
      utimesSync(join(dir, name), now - ageS, now - ageS);
    };
    fake('sweepWorker-00000000000000a1.mjs', 7200); // old, but among the newest two
    fake('sweepWorker-00000000000000a2.mjs', 7300); // old, but among the newest two
    fake('sweepWorker-00000000000000a3.mjs', 7400); // old: goes
    fake('sweepWorker-00000000000000a4.mjs', 90_000); // old: goes
    fake('notes.txt', 90_000); // not a bundle: stays
    const e = await resolveEntry(dir);
    expect(e).toMatchObject({ kind: 'bundle', built: true });
    const left = readdirSync(dir).sort();
    expect(left).toEqual(['notes.txt', fileURLToPath(e.url).split('/').pop()!, 'sweepWorker-00000000000000a1.mjs', 'sweepWorker-00000000000000a2.mjs', 'sweepWorker.json'].sort());
    // young bundles stay whatever their number
    for (let n = 0; n < 4; n++) fake(`sweepWorker-00000000000000b${n}.mjs`, 60);
    const manifest = JSON.parse(readFileSync(join(dir, 'sweepWorker.json'), 'utf8')) as { inputs: Record<string, [number, number]> };
    manifest.inputs['functions/core/engine/stepBar.ts']![0] -= 1000;
    writeFileSync(join(dir, 'sweepWorker.json'), JSON.stringify(manifest));
    await resolveEntry(dir);
    expect(readdirSync(dir).filter((f) => f.startsWith('sweepWorker-00000000000000b'))).toHaveLength(4);
  }, 60_000);

  it('falls back to the tsx entry, saying why, when the cache cannot be written', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mft-worker-cache-')), 'not-a-dir');
    writeFileSync(file, 'x');
    const e = await resolveEntry(join(file, 'sub'));
    expect(e.kind).toBe('tsx');
    expect(e.url.pathname.endsWith('/functions/app/sweep/sweepWorker.mjs')).toBe(true);
    expect(e.reason).toMatch(/ENOTDIR|EEXIST|not a directory/i);
  }, 60_000);
});
