import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRADES_CSV_HEADER } from '../../functions/core/report/tradesCsv.ts';
import { verifyChain, type ChainedRecord } from '../../functions/app/auditChain.ts';

const mft = (...args: string[]) => spawnSync('node', ['functions/cli/bin.mjs', ...args], { encoding: 'utf8' });
const BTC = '../shared/data/klines/BTCUSDT-5m-futures-2024-12-31_2026-02-19.csv.gz';

describe('mft CLI', () => {
  it('validate: exit 0 on good data (warnings allowed), 1 on errors with the report', () => {
    const good = mft('validate', 'test/fixtures/klines-good.csv');
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('OK: no errors, 1 warning(s)');
    const bad = mft('validate', 'test/fixtures/klines-bad.csv');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('INVALID');
    expect(bad.stdout).toContain('duplicate open_time: 1');
  });

  it('backtest refuses invalid data unless --allow-gaps', () => {
    const r = mft('backtest', '--data', 'test/fixtures/klines-bad.csv', '--symbol', 'BTCUSDT');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refusing to backtest invalid data');
  });

  it('backtest on the embedded market writes the four files; audit chain verifies', () => {
    const out = mkdtempSync(join(tmpdir(), 'bt-'));
    const r = mft('backtest', '--config', 'config/stages/local.yaml', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Gate rejections by rule');
    const trades = readFileSync(join(out, 'trades.csv'), 'utf8').trim().split('\n');
    expect(trades[0]).toBe(TRADES_CSV_HEADER);
    expect(trades.length).toBeGreaterThan(100);
    expect(trades[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z,\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z,(long|short),[\d.]+,[\d.]+,[\d.]+,[\d.e-]+,-?[\d.e-]+,-?[\d.e-]+,(tp|sl|gap_tp|gap_sl|time|daily_loss|flatten|end),(trend_up|trend_down|quiet|range)$/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { configHash: string; barCount: number; metrics: { trades: number } };
    expect(summary.barCount).toBe(17_280);
    expect(summary.metrics.trades).toBe(trades.length - 1);
    expect(readFileSync(join(out, 'equity.csv'), 'utf8').split('\n')[0]).toBe('time,equity');
    const chain = readFileSync(join(out, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ChainedRecord);
    expect((chain[0]!.record as { type: string; configHash: string }).configHash).toBe(summary.configHash);
    expect(verifyChain(chain).ok).toBe(true);
  });

  it('same inputs -> byte-identical trades and audit', () => {
    const a = mkdtempSync(join(tmpdir(), 'bt-'));
    const b = mkdtempSync(join(tmpdir(), 'bt-'));
    mft('backtest', '--out', a);
    mft('backtest', '--out', b);
    for (const f of ['trades.csv', 'audit.jsonl', 'equity.csv']) expect(readFileSync(join(a, f))).toEqual(readFileSync(join(b, f)));
  });

  it.skipIf(!existsSync(BTC))('backtest over the full real BTCUSDT file with funding prints the summary', () => {
    const out = mkdtempSync(join(tmpdir(), 'bt-'));
    const r = mft('backtest', '--data', BTC, '--funding', BTC.replace('klines', 'funding').replace('-5m-futures-', '-funding-futures-'), '--out', out);
    expect(r.status).toBe(0);
    const n = readFileSync(join(out, 'trades.csv'), 'utf8').trim().split('\n').length - 1;
    console.log(`real BTCUSDT 5m backtest: ${n} trades`);
    expect(n).toBeGreaterThan(1000);
  });

  it('help lists the commands', () => {
    const help = execFileSync('node', ['functions/cli/bin.mjs', '--help'], { encoding: 'utf8' });
    for (const c of ['backtest', 'validate', 'invoke', 'start']) expect(help).toContain(c);
  });
});
