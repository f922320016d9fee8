import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = resolve('functions/core');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Remove comments and string literals so that words in prose or messages do not count. */
function codeOnly(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/`(?:\\.|[^`\\])*`/g, '``')
    .replace(/'(?:\\.|[^'\\])*'/g, "''")
    .replace(/"(?:\\.|[^"\\])*"/g, '""');
}

const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bprocess\b/, 'process (env, clock, argv)'],
  [/\bDate\b/, 'Date (wall clock)'],
  [/\bMath\.random\b/, 'Math.random (unseeded randomness)'],
  [/\bperformance\b/, 'performance (clock)'],
  [/\brequire\s*\(/, 'require'],
  [/\bimport\s*\(/, 'dynamic import'],
  [/\bsetTimeout\b|\bsetInterval\b/, 'timers'],
  [/\bfetch\s*\(/, 'network'],
];

function importsOf(src: string): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of src.matchAll(/import\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

/** The rule of DESIGN section 3: core imports only core; no node:*, AWS, ccxt, zod, env, clock, randomness. */
export function corePurityViolations(files: string[], root = CORE): string[] {
  const problems: string[] = [];
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    const rel = relative(process.cwd(), f);
    for (const spec of importsOf(src)) {
      if (!spec.startsWith('.')) {
        problems.push(`${rel}: imports '${spec}' (core may import only core files)`);
        continue;
      }
      const target = resolve(dirname(f), spec);
      if (!target.startsWith(root + '/')) problems.push(`${rel}: imports '${spec}' outside functions/core`);
    }
    const code = codeOnly(src);
    for (const [re, what] of FORBIDDEN) if (re.test(code)) problems.push(`${rel}: uses ${what}`);
  }
  return problems;
}

describe('architecture: functions/core is pure', () => {
  it('has no import outside core and touches no clock, env, randomness or I/O', () => {
    const files = tsFiles(CORE);
    expect(files.length).toBeGreaterThan(10);
    expect(corePurityViolations(files)).toEqual([]);
  });

  it('the checker itself catches each forbidden thing (a test that cannot fail is a defect)', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const root = mkdtempSync(join(tmpdir(), 'purity-'));
    const core = join(root, 'core');
    mkdirSync(core);
    const bad: Record<string, string> = {
      'a.ts': "import { readFileSync } from 'node:fs';\n",
      'b.ts': "import { z } from 'zod';\n",
      'c.ts': "import ccxt from 'ccxt';\n",
      'd.ts': "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n",
      'e.ts': "import { x } from '../outside.ts';\n",
      'f.ts': 'export const now = () => Date.now();\n',
      'g.ts': 'export const r = () => Math.random();\n',
      'h.ts': 'export const e = () => process.env.X;\n',
      'ok.ts': "// Date and process in a comment are fine\nexport const s = 'Date.now() in a string is fine';\n",
    };
    for (const [n, src] of Object.entries(bad)) writeFileSync(join(core, n), src);
    const v = corePurityViolations(tsFiles(core), core);
    for (const n of Object.keys(bad).filter((k) => k !== 'ok.ts')) expect(v.some((p) => p.includes(n))).toBe(true);
    expect(v.some((p) => p.includes('ok.ts'))).toBe(false);
  });
});
