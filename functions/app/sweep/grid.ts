import { applyOverrides, ConfigError } from '../../../config/load.ts';
import type { AppConfig } from '../../../config/schema.ts';
import type { SweepItem } from './evaluate.ts';
import { INDICATOR_PARAMS } from '../../core/indicators/indicatorTape.ts';

/** One swept parameter: `key` as written in the grid, `path` into the config, its values in order. */
export interface GridAxis {
  key: string;
  path: string[];
  values: number[];
}

export interface Grid {
  axes: GridAxis[];
  /** Number of combinations (the product of the axes' lengths). */
  size: number;
}

/** A bad grid: every problem, one line each, before any work starts. */
export class GridError extends Error {
  override readonly name = 'GridError';
  constructor(readonly problems: string[]) {
    super(`invalid --grid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** Sweeps beyond this are a typo, not a plan (and would not fit the results in memory). */
export const MAX_COMBINATIONS = 1_000_000;
const FULL_CHECK = 100_000;

const decimals = (x: string): number => (x.includes('.') ? x.split('.')[1]!.length : 0);

/**
 * `tp_atr=0.8:2.0:0.05,sl_atr=0.5:1.5:0.1,adx_min=15,20,25`: `lo:hi:step` (inclusive, values rounded
 * to the inputs' decimals so 0.8 + 3 * 0.05 is 0.95, not 0.9500000000000001) or a list. Bare names
 * are `strategy.params.<name>`; dotted paths reach the rest of the config (`risk.max_trades_per_day`).
 * Every combination is validated with the config schema here, so a bad grid fails before any work.
 */
export function parseGrid(spec: string, base: AppConfig): Grid {
  const problems: string[] = [];
  const axes: GridAxis[] = [];
  const tokens = spec.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  if (tokens.length === 0) throw new GridError(['empty grid: expected e.g. "tp_atr=0.8:2.0:0.05,adx_min=15,20,25"']);
  for (const tok of tokens) {
    const eq = tok.indexOf('=');
    if (eq < 0) {
      const last = axes[axes.length - 1];
      if (!last) {
        problems.push(`'${tok}': expected name=values`);
        continue;
      }
      const v = Number(tok);
      if (!Number.isFinite(v)) problems.push(`${last.key}: '${tok}' is not a number`);
      else last.values.push(v);
      continue;
    }
    const key = tok.slice(0, eq).trim();
    const rhs = tok.slice(eq + 1).trim();
    const params = base.strategy.params as unknown as Record<string, unknown>;
    const path = key.includes('.') ? key.split('.') : ['strategy', 'params', key];
    if (!key.includes('.') && !(key in params)) {
      problems.push(`${key}: not a strategy parameter (known: ${Object.keys(params).join(', ')}; other settings by dotted path, e.g. risk.max_trades_per_day)`);
      continue;
    }
    if (key.includes('.') && typeof path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), base) !== 'number') {
      problems.push(`${key}: not a numeric setting of the config`);
      continue;
    }
    if (axes.some((a) => a.key === key)) {
      problems.push(`${key}: given twice`);
      continue;
    }
    const range = rhs.split(':');
    if (range.length === 3) {
      const [lo, hi, step] = range.map(Number) as [number, number, number];
      if (![lo, hi, step].every(Number.isFinite)) problems.push(`${key}=${rhs}: lo:hi:step must be numbers`);
      else if (step <= 0) problems.push(`${key}=${rhs}: step must be > 0`);
      else if (hi < lo) problems.push(`${key}=${rhs}: hi must be >= lo`);
      else {
        const d = Math.max(...range.map(decimals));
        const n = Math.floor((hi - lo) / step + 1e-9) + 1;
        if (n > MAX_COMBINATIONS) problems.push(`${key}=${rhs}: ${n} values`);
        else axes.push({ key, path, values: Array.from({ length: n }, (_, i) => Number((lo + i * step).toFixed(d))) });
      }
    } else if (range.length === 1) {
      const v = Number(rhs);
      if (rhs === '' || !Number.isFinite(v)) problems.push(`${key}: '${rhs}' is not a number`);
      else axes.push({ key, path, values: [v] });
    } else problems.push(`${key}=${rhs}: expected lo:hi:step or a list a,b,c`);
  }
  for (const a of axes) if (new Set(a.values).size !== a.values.length) problems.push(`${a.key}: repeated values`);
  const size = axes.reduce((p, a) => p * a.values.length, 1);
  if (size > MAX_COMBINATIONS) problems.push(`${size} combinations: more than ${MAX_COMBINATIONS}`);
  if (problems.length) throw new GridError(problems);
  const grid = { axes, size };
  // Every combination against the config schema, cross-field rules included (ema_fast < ema_slow
  // holds per combination, not per axis). Beyond FULL_CHECK combinations (~50 us each) a bad one is
  // reported by the sweep itself, naming the combination.
  if (size <= FULL_CHECK) for (let i = 0; i < size && problems.length <= 20; i++) checkConfig(base, comboOverrides(grid, i), describeCombo(grid, i), problems);
  if (problems.length) throw new GridError(problems.slice(0, 20).concat(problems.length > 20 ? [`... and ${problems.length - 20} more`] : []));
  return grid;
}

function checkConfig(base: AppConfig, overrides: Record<string, unknown>, label: string, problems: string[]): void {
  try {
    applyOverrides(base, overrides, label);
  } catch (err) {
    if (err instanceof ConfigError) problems.push(`${label}: ${err.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
    else throw err;
  }
}

/** Values of combination `index` (mixed radix, the last axis varies fastest). */
export function comboValues(g: Grid, index: number): number[] {
  const out = new Array<number>(g.axes.length);
  let rest = index;
  for (let k = g.axes.length - 1; k >= 0; k--) {
    const n = g.axes[k]!.values.length;
    out[k] = g.axes[k]!.values[rest % n]!;
    rest = Math.floor(rest / n);
  }
  return out;
}

function overridesFor(axes: readonly GridAxis[], values: readonly number[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  axes.forEach((a, k) => {
    let node = o;
    for (const p of a.path.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[a.path[a.path.length - 1]!] = values[k];
  });
  return o;
}

export function comboOverrides(g: Grid, index: number): Record<string, unknown> {
  return overridesFor(g.axes, comboValues(g, index));
}

export function describeCombo(g: Grid, index: number): string {
  const v = comboValues(g, index);
  return g.axes.map((a, k) => `${a.key}=${v[k]}`).join(' ');
}

/** The config of combination `index` (validated; frozen like every loaded config). */
export function comboConfig(base: AppConfig, g: Grid, index: number): AppConfig {
  return applyOverrides(base, comboOverrides(g, index), describeCombo(g, index)).config;
}


/**
 * The grid's combinations grouped by indicator setting (the values of its indicator-parameter axes,
 * `INDICATOR_PARAMS`): `order` lists every combination index once, group after group (grid order
 * inside a group), and `groups[g]` is the range [from, to) of group g in `order`. A sweep runs a
 * group on one indicator tape; results are placed by index, so the order changes nothing else.
 */
export interface IndicatorGroups {
  order: Int32Array;
  groups: Array<{ from: number; to: number }>;
}

export function indicatorGroups(g: Grid): IndicatorGroups {
  const isIndicator = g.axes.map((a) => a.path.length === 3 && a.path[0] === 'strategy' && a.path[1] === 'params' && (INDICATOR_PARAMS as readonly string[]).includes(a.path[2]!));
  // group id of a combination: its value indices on the indicator axes, as one mixed-radix number
  const groupOf = (index: number): number => {
    let rest = index;
    let id = 0;
    let radix = 1;
    for (let k = g.axes.length - 1; k >= 0; k--) {
      const n = g.axes[k]!.values.length;
      if (isIndicator[k]) {
        id += (rest % n) * radix;
        radix *= n;
      }
      rest = Math.floor(rest / n);
    }
    return id;
  };
  const nGroups = g.axes.reduce((p, a, k) => (isIndicator[k] ? p * a.values.length : p), 1);
  const ids = new Int32Array(g.size);
  const starts = new Int32Array(nGroups + 1);
  for (let i = 0; i < g.size; i++) starts[(ids[i] = groupOf(i)) + 1]!++;
  for (let k = 0; k < nGroups; k++) starts[k + 1]! += starts[k]!;
  const fill = starts.slice(0, nGroups);
  const order = new Int32Array(g.size);
  for (let i = 0; i < g.size; i++) order[fill[ids[i]!]!++] = i;
  const groups: Array<{ from: number; to: number }> = [];
  for (let k = 0; k < nGroups; k++) groups.push({ from: starts[k]!, to: starts[k + 1]! });
  return { order, groups };
}

/**
 * Every combination as a sweep item, group after group of indicator setting: what `--remote` uploads,
 * so that the Distributed Map's batches share indicator tapes (rows are merged by index).
 */
export function sweepItems(g: Grid): SweepItem[] {
  return Array.from(indicatorGroups(g).order, (index) => ({ index, overrides: comboOverrides(g, index) }));
}
