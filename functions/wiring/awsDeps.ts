import type { BarCloseDeps } from '../app/runBarClose.ts';

/**
 * AWS composition root for the bar-close Lambda. The Binance exchange adapter (ccxt binanceusdm,
 * demo/live) is the missing piece: until it lands the Lambda refuses to start rather than trade
 * against anything else.
 */
export async function awsBarCloseDeps(): Promise<BarCloseDeps> {
  throw new Error('awsBarCloseDeps: the Binance exchange adapter (issue: emulator + exchange adapter) is not wired yet; refusing to start');
}
