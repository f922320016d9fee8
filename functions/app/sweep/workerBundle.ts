import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The sweep worker's entry, as one esbuild bundle cached on disk. A worker that registers tsx and
 * loads the TypeScript graph took ~540 ms to start (tsx's loader hooks + zod through them: 115 +
 * 142 ms), two at once on two cores longer still. The bundle holds the engine only (~45 KB: the
 * workers get resolved configs, so no zod or yaml): two workers at once are up and have imported it
 * in ~55 ms (the import ~10 ms; ~65 ms while zod was in). That start-up is paid by every sweep and
 * weighs on the 2-worker speedup (fixed cost, not parallel).
 *
 * The bundle is rebuilt when any of its inputs changed (path, size and mtime of every file esbuild
 * read, from its metafile), so an edited source is never run stale; built to a temporary name and
 * renamed, so concurrent sweeps never see half a file. Anything failing falls back to the tsx entry.
 */
export interface WorkerEntry {
  url: URL;
  kind: 'bundle' | 'tsx';
  /** Built by this call (false: reused from the cache); why the tsx fallback was taken. */
  built: boolean;
  reason?: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const SOURCE = join(HERE, 'sweepWorker.ts');
const TSX_ENTRY = new URL('./sweepWorker.mjs', import.meta.url);

interface Manifest {
  esbuild: string;
  file: string;
  inputs: Record<string, [number, number]>;
}

let memo: Promise<WorkerEntry> | null = null;

/** The entry to start sweep workers from (one lookup per process). */
export function sweepWorkerEntry(): Promise<WorkerEntry> {
  memo ??= resolveEntry(defaultCacheDir());
  return memo;
}

function defaultCacheDir(): string {
  const nm = join(ROOT, 'node_modules');
  return existsSync(nm) ? join(nm, '.cache', 'mft') : join(tmpdir(), 'mft-cache');
}

/** Exported for tests (their own cache directory). */
export async function resolveEntry(cacheDir: string): Promise<WorkerEntry> {
  try {
    const manifestPath = join(cacheDir, 'sweepWorker.json');
    const esbuild = await import('esbuild');
    const cached = readManifest(manifestPath);
    if (cached && cached.esbuild === esbuild.version && fresh(cached) && existsSync(join(cacheDir, cached.file))) return { url: pathToFileURL(join(cacheDir, cached.file)), kind: 'bundle', built: false };
    mkdirSync(cacheDir, { recursive: true });
    const tmp = join(cacheDir, `sweepWorker-${process.pid}-${Date.now()}.tmp.mjs`);
    const r = await esbuild.build({
      entryPoints: [SOURCE],
      outfile: tmp,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: ROOT,
      // a CommonJS dependency would call require(), which ESM output has none of unless given one
      // (none is bundled today; kept so that adding one cannot break the workers)
      banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    });
    const inputs: Manifest['inputs'] = {};
    for (const p of Object.keys(r.metafile.inputs)) {
      const st = statSync(resolve(ROOT, p));
      inputs[p] = [st.mtimeMs, st.size];
    }
    const code = readFileSync(tmp);
    const file = `sweepWorker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
    renameSync(tmp, join(cacheDir, file));
    const m: Manifest = { esbuild: esbuild.version, file, inputs };
    const mtmp = `${manifestPath}.${process.pid}.tmp`;
    writeFileSync(mtmp, JSON.stringify(m));
    renameSync(mtmp, manifestPath);
    pruneStale(cacheDir, file, Date.now());
    return { url: pathToFileURL(join(cacheDir, file)), kind: 'bundle', built: true };
  } catch (err) {
    return { url: TSX_ENTRY, kind: 'tsx', built: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

function readManifest(path: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** Every input still has the size and mtime it had when the bundle was built (and the bundle exists). */
function fresh(m: Manifest): boolean {
  if (!m.inputs || typeof m.file !== 'string') return false;
  for (const [p, [mtime, size]] of Object.entries(m.inputs)) {
    try {
      const st = statSync(resolve(ROOT, p));
      if (st.mtimeMs !== mtime || st.size !== size) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Bundles kept besides the current one, and the age a bundle must reach before it may go. */
const KEEP_BUNDLES = 2;
const PRUNE_AGE_MS = 3_600_000;

/**
 * Every rebuild left its bundle behind (about 0.5 MB each, one per source edit). Old ones go, but
 * never the newest few nor any younger than an hour: a long sweep in another process (walk-forward
 * starts workers for every window) may still start workers from the bundle it looked up.
 * Best effort: a file that cannot be removed stays.
 */
function pruneStale(cacheDir: string, current: string, now: number): void {
  const old = readdirSync(cacheDir)
    .filter((f) => /^sweepWorker-[0-9a-f]{16}\.mjs$/.test(f) && f !== current)
    .map((f) => ({ f, mtime: statSync(join(cacheDir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime)
    .slice(KEEP_BUNDLES);
  for (const { f, mtime } of old) if (now - mtime > PRUNE_AGE_MS) rmSync(join(cacheDir, f), { force: true });
}
