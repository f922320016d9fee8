/**
 * Fault injection for the emulator (issue: scriptable per test and from the CLI). A spec is a list of
 * rules separated by ',' or ';':
 *
 *   action[=value][@endpoint][#nth][xcount][%probability]
 *
 * actions
 *   latency=<ms>        delay the reply (all matching requests unless #nth given)
 *   timeout[=<ms>]      execute the request, then hang <ms> (default 0) and drop the connection:
 *                       the client never learns the outcome (the "timeout after accept" case)
 *   status=<http>       answer <http> (5xx: {"code":-1001,...}) without executing
 *   reject=<code>       answer the Binance error <code> without executing (e.g. reject=-2019)
 *   ratelimit           answer 429 -1003 with Retry-After; ban: 418 -1003 "IP banned until ..."
 *   ban
 *   skew=<ms>           server clock (timestamp checks and /time) offset from the wall clock
 *   klinedelay=<ms>     a closed kline only shows as closed <ms> after its close
 *   klinemissing=<ms>   the kline opening at <ms> never appears
 *   wsdrop              drop every WebSocket connection (fires on the matching request, or at once
 *                       when given alone via the control endpoint)
 * endpoint: `METHOD:/path` or a path suffix (`@order`, `@POST:/fapi/v1/algoOrder`); none = every request.
 * #nth: fire on the nth matching request (1-based); xcount: that many times (default 1 when #nth is
 * given, else unlimited). %p: each matching request fires with probability p (0..1), drawn from
 * the emulator's seeded generator (`--seed`), so a faulty run is reproducible.
 */
export type FaultAction = 'latency' | 'timeout' | 'status' | 'reject' | 'ratelimit' | 'ban' | 'skew' | 'klinedelay' | 'klinemissing' | 'wsdrop';

export interface FaultRule {
  action: FaultAction;
  value?: number;
  endpoint?: string;
  nth?: number;
  times?: number;
  probability?: number;
}

interface ActiveRule extends FaultRule {
  seen: number;
  fired: number;
}

const ACTIONS: readonly FaultAction[] = ['latency', 'timeout', 'status', 'reject', 'ratelimit', 'ban', 'skew', 'klinedelay', 'klinemissing', 'wsdrop'];
const NEEDS_VALUE: ReadonlySet<FaultAction> = new Set(['latency', 'status', 'reject', 'skew', 'klinedelay', 'klinemissing']);

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

export function parseFaults(spec: string): FaultRule[] {
  const out: FaultRule[] = [];
  for (const raw of spec.split(/[,;]/).map((s) => s.trim()).filter(Boolean)) {
    let rest = raw;
    let probability: number | undefined;
    const pm = /%(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(rest);
    if (pm) {
      probability = Number(pm[1]);
      rest = rest.slice(0, pm.index);
    } else if (rest.includes('%')) throw new FaultSpecError(`fault '${raw}': probability must be %<0..1>, e.g. %0.05`);
    let times: number | undefined;
    let nth: number | undefined;
    const xm = /x(\d+)$/.exec(rest);
    if (xm) {
      times = Number(xm[1]);
      rest = rest.slice(0, xm.index);
    }
    const nm = /#(\d+)$/.exec(rest);
    if (nm) {
      nth = Number(nm[1]);
      rest = rest.slice(0, nm.index);
    }
    const at = rest.indexOf('@');
    const head = at >= 0 ? rest.slice(0, at) : rest;
    const endpoint = at >= 0 ? rest.slice(at + 1) : undefined;
    const m = /^([a-z]+)(?:=(-?\d+(?:\.\d+)?))?$/.exec(head);
    if (!m || endpoint === '') throw new FaultSpecError(`fault '${raw}': expected action[=value][@endpoint][#nth][xcount][%probability]`);
    const action = m[1] as FaultAction;
    if (!ACTIONS.includes(action)) throw new FaultSpecError(`fault '${raw}': unknown action '${m[1]}' (one of ${ACTIONS.join(', ')})`);
    if (NEEDS_VALUE.has(action) && m[2] === undefined) throw new FaultSpecError(`fault '${raw}': '${action}' needs =<number>`);
    const rule: FaultRule = { action };
    if (m[2] !== undefined) rule.value = Number(m[2]);
    if (endpoint) rule.endpoint = endpoint;
    if (nth !== undefined) rule.nth = nth;
    if (times !== undefined) rule.times = times;
    if (probability !== undefined) rule.probability = probability;
    out.push(rule);
  }
  return out;
}

/** The live fault set of one emulator. */
export class Faults {
  private rules: ActiveRule[] = [];
  private rng: () => number;

  /** `seed` drives the %probability rules (mulberry32: small, fast, good enough for fault dice). */
  constructor(seed = 1) {
    let a = seed >>> 0;
    this.rng = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  add(...rules: Array<FaultRule | string>): void {
    for (const r of rules) for (const x of typeof r === 'string' ? parseFaults(r) : [r]) this.rules.push({ ...x, seen: 0, fired: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map(({ seen: _s, fired: _f, ...r }) => r);
  }

  /** A global setting (skew, klinedelay): the last rule of that action. */
  value(action: 'skew' | 'klinedelay'): number {
    let v = 0;
    for (const r of this.rules) if (r.action === action) v = r.value ?? 0;
    return v;
  }

  missingKlines(): Set<number> {
    return new Set(this.rules.filter((r) => r.action === 'klinemissing').map((r) => r.value ?? NaN));
  }

  /** The request-scoped rules that fire for this request (each call counts as one matching request). */
  match(method: string, path: string): FaultRule[] {
    const out: FaultRule[] = [];
    for (const r of this.rules) {
      if (r.action === 'skew' || r.action === 'klinedelay' || r.action === 'klinemissing') continue;
      if (!endpointMatches(r.endpoint, method, path)) continue;
      r.seen++;
      const times = r.times ?? (r.nth !== undefined ? 1 : Infinity);
      const first = r.nth ?? 1;
      if (r.seen >= first && r.fired < times && (r.probability === undefined || this.rng() < r.probability)) {
        r.fired++;
        out.push(r);
      }
    }
    return out;
  }
}

function endpointMatches(ep: string | undefined, method: string, path: string): boolean {
  if (!ep) return true;
  const i = ep.indexOf(':');
  const m = i > 0 && /^[A-Z]+$/.test(ep.slice(0, i)) ? ep.slice(0, i) : '';
  const p = m ? ep.slice(i + 1) : ep;
  if (m && m !== method) return false;
  return path === p || path.endsWith(p.startsWith('/') ? p : `/${p}`);
}
