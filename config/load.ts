import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { canonicalJson } from '../functions/core/audit/canonical.ts';
import { ConfigSchema, type AppConfig } from './schema.ts';

export interface ConfigProblem {
  path: string;
  value: unknown;
  message: string;
}

/** A bad config: one line per problem naming the key path, the value and what is allowed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
    options?: { cause?: unknown },
  ) {
    super(`invalid config${source ? ` ${source}` : ''}:\n` + problems.map((p) => `${p.path}: ${p.message}`).join('\n'), options);
  }
}

export interface LoadedConfig {
  config: AppConfig;
  /** sha256 of the canonical JSON of the resolved config, secrets excluded (spec section 6). */
  hash: string;
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'missing' : JSON.stringify(v));

function describe(issue: z.core.$ZodIssue, value: unknown): string {
  const v = show(value);
  switch (issue.code) {
    case 'too_small':
      return `${v} is not allowed, must be ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'too_big':
      return `${v} is not allowed, must be ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}`;
    case 'invalid_type':
      return value === undefined ? `is required (${issue.expected})` : `${v} is not allowed, must be ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`;
    case 'invalid_value':
      return `${v} is not allowed, must be one of ${issue.values.map((x) => String(x)).join(', ')}`;
    case 'invalid_format':
    case 'custom':
      return `${v} is not allowed, ${issue.message}`;
    default:
      return `${v} is not allowed, ${issue.message}`;
  }
}

function valueAt(obj: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** Validate, resolve defaults, deep-freeze and hash a config object. */
export function parseConfig(raw: unknown, source = ''): LoadedConfig {
  const r = ConfigSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!r.success) {
    const problems: ConfigProblem[] = [];
    for (const issue of r.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) problems.push({ path: [...issue.path, k].join('.'), value: valueAt(raw, [...issue.path, k]), message: 'unknown key' });
        continue;
      }
      // Cross-field rules report the resolved value (it may be a default the user never wrote).
      const value = 'input' in issue && issue.input !== undefined ? issue.input : valueAt(raw, issue.path);
      problems.push({ path: issue.path.join('.') || '(root)', value, message: describe(issue, value) });
    }
    throw new ConfigError(source, problems, { cause: r.error });
  }
  return withHash(deepFreeze(r.data));
}

/**
 * The config and its hash, computed when first read: a sweep validates one config per combination
 * and reads none of their hashes (hashing was ~half of resolving 1,000 combinations, in the thread
 * that feeds the workers).
 */
function withHash(config: AppConfig): LoadedConfig {
  let hash: string | undefined;
  return {
    config,
    get hash(): string {
      return (hash ??= configHash(config));
    },
  };
}

export function loadConfig(path: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(path, [{ path: '(file)', value: path, message: (err as Error).message }], { cause: err });
  }
  return parseConfig(raw, path);
}

const SECRET_KEY = /secret|api_?key|token|password/i;

function withoutSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutSecrets);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!SECRET_KEY.test(k)) out[k] = withoutSecrets(x);
    return out;
  }
  return v;
}

export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(withoutSecrets(config))).digest('hex');
}

/** Deep merge of overrides (the backtest Lambda's `config`), then re-validated. Arrays replace. */
export function applyOverrides(base: AppConfig, overrides: Record<string, unknown> | undefined, source = 'overrides'): LoadedConfig {
  if (!overrides) return withHash(base);
  return parseConfig(deepMerge(base, overrides), source);
}

/** Deep merge for config overrides: objects merge key by key, arrays and scalars replace. */
export function deepMerge(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) || Array.isArray(b)) return b;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = deepMerge(out[k], v);
  return out;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
