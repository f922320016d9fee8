/**
 * A Binance error reply: `{"code":<int>,"msg":"<text>"}` with its HTTP status (spec binance-usdm-api
 * section 10.1: 400 for request errors, 401 for key failures, 418 ban, 429 rate limit, 5xx server).
 * Thrown inside the emulator and turned into the JSON body by the server: never a non-JSON error.
 */
export class BinanceError extends Error {
  override readonly name = 'BinanceError';
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly http = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${code} ${msg}`);
  }
}

export function err(code: number, msg: string, http = 400, headers: Record<string, string> = {}): BinanceError {
  return new BinanceError(code, msg, http, headers);
}

/** -1102, Binance's answer to a missing or malformed mandatory parameter. */
export function badParam(name: string): BinanceError {
  return err(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}
