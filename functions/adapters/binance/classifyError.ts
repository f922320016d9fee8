import { ccxtErrors as E } from './ccxtBinanceUsdm.ts';

/**
 * DESIGN section 5, the error taxonomy:
 * - `retryable`: the request was not executed (rate limited, -1021 clock, network before send, 5xx on
 *   a read) - retry with backoff;
 * - `definitive`: Binance refused the request (precision, notional, margin, reduce-only, would
 *   trigger, filters, bad parameters) - audit the rejection, never retry;
 * - `unknown`: the request may have been executed (timeout, dropped connection, -1007, 5xx/-1001 on
 *   an order) - look the order up by clientOrderId before anything else;
 * - `banned`: HTTP 418 - stop calling and alarm;
 * - `auth`: key, signature or permission problems - alarm, no retry.
 * Classified by the Binance code in the reply when there is one (ccxt quotes the raw body in the
 * message, and its code->class table depends on the host: spec section 10.1), else by ccxt's class.
 */
export type ErrorKind = 'retryable' | 'definitive' | 'unknown' | 'banned' | 'auth';

export interface ClassifiedError {
  kind: ErrorKind;
  code: number | null;
  message: string;
  retryAfterMs?: number;
  /** -1021: resynchronise the time offset before retrying. */
  clock?: boolean;
}

const DEFINITIVE = new Set([-1013, -1102, -1106, -1111, -1116, -1121, -1130, -2010, -2019, -2021, -2022, -4003, -4014, -4015, -4016, -4023, -4028, -4061, -4118, -4120, -4131, -4164, -4045, -4046, -4047, -4048, -4059, -4067, -4068, -5021, -5022]);
const AUTH = new Set([-1022, -2014, -2015, -1125, -2008]);

export function binanceCode(e: unknown): number | null {
  const m = /"code"\s*:\s*"?(-?\d+)"?/.exec(e instanceof Error ? e.message : String(e));
  return m ? Number(m[1]) : null;
}

export function classifyError(e: unknown, isOrder: boolean): ClassifiedError {
  const message = e instanceof Error ? e.message : String(e);
  const code = binanceCode(e);
  const status = /\b(418|429)\b/.exec(message);
  if (/\b418\b/.test(message) && e instanceof E.DDoSProtection) return { kind: 'banned', code, message };
  if (code === -1003 && /banned until/i.test(message)) return { kind: 'banned', code, message };
  if (e instanceof E.DDoSProtection || e instanceof E.RateLimitExceeded || code === -1003 || code === -1015) {
    const ra = /retry-after["']?\s*[:=]\s*["']?(\d+)/i.exec(message);
    return { kind: 'retryable', code, message, retryAfterMs: ra ? Number(ra[1]) * 1000 : status?.[1] === '429' ? 1000 : 1000 };
  }
  if (code === -1021 || e instanceof E.InvalidNonce) return { kind: 'retryable', code, message, clock: true };
  if (code !== null && AUTH.has(code)) return { kind: 'auth', code, message };
  if (code === -1007) return { kind: isOrder ? 'unknown' : 'retryable', code, message };
  if (code === -1000 || code === -1001) return { kind: isOrder ? 'unknown' : 'retryable', code, message };
  if (code !== null && DEFINITIVE.has(code)) return { kind: 'definitive', code, message };
  if (code === -4116) return { kind: 'definitive', code, message };
  if (e instanceof E.AuthenticationError) return { kind: 'auth', code, message };
  if (e instanceof E.RequestTimeout || e instanceof E.ExchangeNotAvailable || e instanceof E.NetworkError) return { kind: isOrder ? 'unknown' : 'retryable', code, message };
  if (e instanceof E.InvalidOrder || e instanceof E.InsufficientFunds || e instanceof E.BadRequest || e instanceof E.OperationRejected) return { kind: 'definitive', code, message };
  // anything else (a TypeError from a reply we could not parse, an unmapped ExchangeError): if it was
  // an order, we cannot know whether it executed
  return { kind: isOrder ? 'unknown' : 'definitive', code, message };
}
