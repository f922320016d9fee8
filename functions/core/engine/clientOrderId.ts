import { ClientOrderIdError } from '../errors.ts';

export type IntentCode = 'en' | 'sl' | 'tp' | 'tx' | 'dl' | 'fl' | 'ex';

/**
 * Deterministic client order id `mft-<stage>-<symbol>-<barOpenTime base36>-<intent>` (DESIGN section 2).
 * The open time is written in base 36 so the id fits Binance's 36-character limit and charset.
 */
const BINANCE_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
/** Checked prefixes `mft-<stage>-<symbol>-` (the charset check runs once per stage and symbol). */
const prefixes = new Map<string, string>();

export function clientOrderId(stage: string, symbol: string, barOpenTime: number, intent: IntentCode): string {
  const key = stage + '\u0000' + symbol;
  let prefix = prefixes.get(key);
  if (prefix === undefined) {
    prefix = `mft-${stage}-${symbol}-`;
    if (!BINANCE_ID.test(prefix)) throw new ClientOrderIdError('client order id has characters Binance refuses ([.A-Z:/a-z0-9_-])', 'clientOrderId', prefix);
    prefixes.set(key, prefix);
  }
  // base 36 digits and the intent code are always in the charset; only the length can fail
  const id = prefix + barOpenTime.toString(36) + '-' + intent;
  if (id.length > 36) throw new ClientOrderIdError('client order id exceeds Binance limits (36 chars)', 'clientOrderId', id);
  return id;
}

export function parseClientOrderId(id: string): { stage: string; symbol: string; barOpenTime: number; intent: string } | null {
  const m = /^mft-([a-z0-9-]+)-([A-Z0-9]+)-([0-9a-z]+)-([a-z]{2})$/.exec(id);
  if (!m) return null;
  return { stage: m[1]!, symbol: m[2]!, barOpenTime: parseInt(m[3]!, 36), intent: m[4]! };
}
