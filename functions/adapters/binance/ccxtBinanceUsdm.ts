/**
 * The one ccxt entry point of the bot: the `binanceusdm` class and ccxt's error classes, imported
 * from their own modules (not the `ccxt` barrel) so a Lambda bundle holds this exchange only, not
 * ccxt's hundred others nor `ccxt/js/src/pro` (DESIGN section 5; measured by `npm run bench`).
 * ccxt's package `exports` only exposes the barrel, hence the path into the pinned package: the
 * version is pinned exactly in package.json and test/adapters/binance/ccxtPin.test.ts fails if the
 * pinned ccxt stops routing stop orders to the Algo Order API.
 */
export { default as BinanceUsdm } from '../../../node_modules/ccxt/js/src/binanceusdm.js';
export * as ccxtErrors from '../../../node_modules/ccxt/js/src/base/errors.js';
