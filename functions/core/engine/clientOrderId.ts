import { ClientOrderIdError } from '../errors.ts';

export type IntentCode = 'en' | 'sl' | 'tp' | 'tx' | 'dl' | 'fl' | 'ex';

/**
 * Deterministic client order id `mft-<stage>-<symbol>-<barOpenTime base36>-<intent>` (DESIGN section 2).
 * The open time is written in base 36 so the id fits Binance's 36-character limit and charset.
 */
export function clientOrderId(stage: string, symbol: string, barOpenTime: number, intent: IntentCode): string {
  const id = `mft-${stage}-${symbol}-${barOpenTime.toString(36)}-${intent}`;
  if (id.length > 36 || !/^[.A-Z:/a-z0-9_-]{1,36}$/.test(id)) {
    throw new ClientOrderIdError('client order id exceeds Binance limits (36 chars, [.A-Z:/a-z0-9_-])', 'clientOrderId', id);
  }
  return id;
}

export function parseClientOrderId(id: string): { stage: string; symbol: string; barOpenTime: number; intent: string } | null {
  const m = /^mft-([a-z0-9-]+)-([A-Z0-9]+)-([0-9a-z]+)-([a-z]{2})$/.exec(id);
  if (!m) return null;
  return { stage: m[1]!, symbol: m[2]!, barOpenTime: parseInt(m[3]!, 36), intent: m[4]! };
}
