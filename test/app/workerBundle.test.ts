import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
    expect(code).toContain('evaluateBatch'); // the worker's own code is inside, not imported from sources
    const manifest = JSON.parse(readFileSync(join(dir, 'sweepWorker.json'), 'utf8')) as { inputs: Record<string, [number, number]> };
    expect(Object.keys(manifest.inputs)).toContain('functions/core/engine/stepBar.ts');
    const b = await resolveEntry(dir);
    expect(b).toMatchObject({ kind: 'bundle', built: false });
    expect(b.url.href).toBe(a.url.href);
    // an input that changed since the build (here: its recorded mtime no longer matches) forces a rebuild
    manifest.inputs['functions/core/engine/stepBar.ts']![0] -= 1000;
    writeFileSync(join(dir, 'sweepWorker.json'), JSON.stringify(manifest));
    expect(await resolveEntry(dir)).toMatchObject({ kind: 'bundle', built: true });
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
