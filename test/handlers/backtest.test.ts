import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/handlers/backtest.ts';

const SHARED = '../shared/data/klines/BTCUSDT-5m-futures-2024-12-31_2026-02-19.csv.gz';
const event = (name: string): unknown => JSON.parse(readFileSync(`events/${name}.json`, 'utf8'));

describe('backtest Lambda handler', () => {
  it('runs the sample event on the embedded synthetic market', async () => {
    const r = await handler(event('backtest-synthetic'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.bars).toBe(17280);
    expect(r.from).toBe('2025-01-01T00:00:00.000Z');
    expect(r.tradeCount).toBe(r.metrics.trades);
    expect(r.tradeCount).toBeGreaterThan(100);
    expect(r.trades).toHaveLength(5);
    expect(r.truncated).toBe(true);
    expect(Object.keys(r.trades[0]!)).toEqual(['entry_time', 'exit_time', 'side', 'qty', 'entry_price', 'exit_price', 'fees', 'funding', 'pnl', 'exit_reason', 'regime']);
    // Equity identity: capital + sum of trade P&L = final equity (flat at the end).
    expect(10_000 + r.metrics.netPnl).toBeCloseTo(r.metrics.finalEquity, 6);
  });

  it('is deterministic: same event, same answer', async () => {
    const a = await handler(event('backtest-synthetic'));
    const b = await handler(event('backtest-synthetic'));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it.skipIf(!existsSync(SHARED))('runs the sample event on the shared BTCUSDT file (one month)', async () => {
    const r = await handler(event('backtest-shared-btc'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.bars).toBe(30 * 288);
    expect(r.from).toBe('2025-06-01T00:00:00.000Z');
    expect(r.to).toBe('2025-06-30T23:55:00.000Z');
    expect(r.dataSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers a bad event with the fields named, never a crash', async () => {
    const r = await handler(event('backtest-invalid'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('invalid_event');
    expect(r.error.issues?.map((i) => i.path).sort()).toEqual(['data.kind', 'symbol', 'to']);
    expect(r.error.message).toContain('to: is required');
  });

  it('names the config key of a bad override', async () => {
    const r = await handler({ symbol: 'BTCUSDT', from: '2025-01-01', to: '2025-01-10', data: { kind: 'synthetic' }, config: { risk: { max_daily_loss_usd: -5 } } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('invalid_config');
    expect(r.error.issues).toContainEqual({ path: 'config.risk.max_daily_loss_usd', message: '-5 is not allowed, must be > 0' });
  });

  it('rejects a missing data file and an empty range', async () => {
    const missing = await handler({ symbol: 'BTCUSDT', from: '2025-01-01', to: '2025-01-10', data: { kind: 'file', path: '/nonexistent.csv.gz' } });
    expect(missing).toMatchObject({ ok: false, error: { kind: 'invalid_event', issues: [{ path: 'data.path' }] } });
    const empty = await handler({ symbol: 'BTCUSDT', from: '2030-01-01', to: '2030-02-01', data: { kind: 'synthetic' } });
    expect(empty).toMatchObject({ ok: false, error: { kind: 'invalid_data' } });
    const backwards = await handler({ symbol: 'BTCUSDT', from: '2025-02-01', to: '2025-01-01', data: { kind: 'synthetic' } });
    expect(backwards).toMatchObject({ ok: false, error: { kind: 'invalid_event', issues: [{ path: 'to' }] } });
  });
});
