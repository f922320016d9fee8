import { InvariantError } from '../errors.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Binance USD-M funding events at 00:00, 08:00, 16:00 UTC (spec section 4). */
export const FUNDING_INTERVAL_MS = 8 * HOUR_MS;

const UNIT_MS: Record<string, number> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };

/** '5m' -> 300000. Binance interval names; throws on anything else. */
export function timeframeMs(tf: string): number {
  const m = /^(\d+)([mhd])$/.exec(tf);
  if (!m) throw new InvariantError('unknown timeframe', 'timeframe', tf);
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms <= 0) throw new InvariantError('timeframe must be positive', 'timeframe', tf);
  return ms;
}

/** Open time of the bar containing `t`. */
export function barOpenAt(t: number, intervalMs: number): number {
  return Math.floor(t / intervalMs) * intervalMs;
}

/** Close time (exclusive end) of the bar opened at `openTime`. */
export function barCloseTime(openTime: number, intervalMs: number): number {
  return openTime + intervalMs;
}

/** Absolute bar index since the epoch: the bar clock used for cooldown and holding periods. */
export function barIndex(openTime: number, intervalMs: number): number {
  return Math.floor(openTime / intervalMs);
}

/** UTC day number (days since epoch) of a timestamp. */
export function utcDay(t: number): number {
  return Math.floor(t / DAY_MS);
}

/** Minutes since UTC midnight. */
export function minuteOfDay(t: number): number {
  return Math.floor((t - utcDay(t) * DAY_MS) / MINUTE_MS);
}

/**
 * 00:00, 08:00 or 16:00 UTC. Tested by an exact division rather than `%`: a float modulo is a slow
 * libm call, and for integer ms below 2^53 the quotient is an integer exactly when divisible.
 */
export function isFundingTime(openTime: number): boolean {
  const q = openTime / FUNDING_INTERVAL_MS;
  return q === Math.floor(q);
}

/** 'HH:MM' -> minutes; throws on malformed input (config validates first). */
export function parseHhMm(s: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  if (!m) throw new InvariantError('time must be HH:MM', 'trading_hours', s);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** ISO-8601 UTC ('2025-01-31T23:55:00.000Z') without touching Date (core stays clock-free). */
export function isoUtc(t: number): string {
  const day = utcDay(t);
  let ms = t - day * DAY_MS;
  // civil-from-days (H. Hinnant), proleptic Gregorian.
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const hh = Math.floor(ms / HOUR_MS);
  ms -= hh * HOUR_MS;
  const mm = Math.floor(ms / MINUTE_MS);
  ms -= mm * MINUTE_MS;
  const ss = Math.floor(ms / 1000);
  ms -= ss * 1000;
  const p2 = (n: number): string => (n < 10 ? '0' : '') + n;
  const p3 = (n: number): string => (n < 10 ? '00' : n < 100 ? '0' : '') + n;
  return `${y}-${p2(m)}-${p2(d)}T${p2(hh)}:${p2(mm)}:${p2(ss)}.${p3(ms)}Z`;
}

/** 'yyyy-mm-dd' of a UTC day number. */
export function isoDay(day: number): string {
  return isoUtc(day * DAY_MS).slice(0, 10);
}
