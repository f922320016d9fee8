import { describe, expect, it } from 'vitest';
import { binanceBundleBench } from '../../bench/bundleBench.ts';

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
