import { describe, expect, it } from 'vitest';
import { binanceBundleBench, bundleBench } from '../../bench/bundleBench.ts';

// Sizes and module lists are deterministic for a given lockfile, so they are asserted here; the
// import-time ratio is a timing and lives in `npm run bench` only.
describe('the binance part of the bar-close bundle', () => {
  it('is <= 2.5 MiB and <= 0.35x the ccxt barrel, with no other exchange and nothing from ccxt pro', async () => {
    const b = await binanceBundleBench();
    expect(b.oursBytes).toBeLessThanOrEqual(2.5 * 1024 * 1024);
    expect(b.sizeRatio).toBeLessThanOrEqual(0.35);
    expect(b.exchanges.sort()).toEqual(['binance', 'binanceusdm']);
    expect(b.proFiles).toBe(0);
  }, 120_000);
});

describe('function bundles (same esbuild settings as the stack)', () => {
  it('bar-close <= 3 MiB, telegram-notifier and daily-report <= 1 MiB, backtest <= 3 MiB', async () => {
    const b = await bundleBench(false);
    expect(b.map((x) => x.fn)).toEqual(['bar-close', 'telegram-notifier', 'daily-report', 'backtest']);
    const limits = Object.fromEntries(b.map((x) => [x.fn, x.limitBytes]));
    expect(limits).toEqual({ 'bar-close': 3 * 1024 * 1024, 'telegram-notifier': 1024 * 1024, 'daily-report': 1024 * 1024, backtest: 3 * 1024 * 1024 });
    for (const x of b) expect(x.bytes, x.fn).toBeLessThanOrEqual(x.limitBytes);
  }, 180_000);
});
