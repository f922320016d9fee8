import ccxt from 'ccxt';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

/** Start `mft emulator ...`; resolve with its one stdout JSON line and what it said on stderr. */
async function start(...args: string[]): Promise<{ rest: string; ws: string; stderr: () => string }> {
  child = spawn('node', ['functions/cli/bin.mjs', 'emulator', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no JSON line within 20 s; stderr: ${err}`)), 20_000);
    createInterface({ input: child!.stdout! }).once('line', (l) => {
      clearTimeout(t);
      resolve(l);
    });
    child!.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return { ...(JSON.parse(line) as { rest: string; ws: string }), stderr: () => err };
}

/** The README recipe: an unmodified ccxt binanceusdm whose urls.api point at the emulator. */
function client(rest: string, apiKey: string, secret: string) {
  const ex = new ccxt.binanceusdm({ apiKey, secret, options: { fetchCurrencies: false } });
  const api = ex.urls['api'] as Record<string, unknown>;
  for (const k of Object.keys(api)) if (typeof api[k] === 'string') api[k] = (api[k] as string).replace(/^https:\/\/[^/]+/, rest);
  return ex;
}

describe('mft emulator (CLI)', () => {
  it('prints exactly {"rest","ws"}; an account from --account trades through unmodified ccxt; --step time moves on POST /_emu/advance', async () => {
    const e = await start('--step', '--start', '2025-01-10', '--account', 'alice:s3cret:500');
    expect(e.rest).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(e.ws).toBe(e.rest.replace('http', 'ws'));
    expect(e.stderr()).toContain('account key=alice secret=s3cret balance=500 USDT');
    const ex = client(e.rest, 'alice', 's3cret');
    expect(await ex.fetchTime()).toBe(Date.UTC(2025, 0, 10));
    const bal = await ex.fetchBalance();
    expect(bal['USDT']).toMatchObject({ total: 500 });
    const o = await ex.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.002, undefined, { clientOrderId: 'cli-1' });
    expect(o).toMatchObject({ clientOrderId: 'cli-1', status: 'closed', filled: 0.002 });
    const r = await fetch(`${e.rest}/_emu/advance?ms=300000`, { method: 'POST' });
    expect(await r.json()).toEqual({ time: Date.UTC(2025, 0, 10, 0, 5) });
    expect(await ex.fetchTime()).toBe(Date.UTC(2025, 0, 10, 0, 5));
    const pos = await ex.fetchPositions(['BTC/USDT:USDT']);
    expect(pos[0]).toMatchObject({ contracts: 0.002, side: 'long' });
    // a wrong secret is refused as Binance does
    await expect(client(e.rest, 'alice', 'nope').fetchBalance()).rejects.toThrow(/-1022/);
  }, 60_000);

  it('--speed runs emulated time faster than the wall clock; --faults apply from the start', async () => {
    const e = await start('--speed', '600', '--faults', 'status=503@GET:/fapi/v1/ticker/24hr#1');
    const ex = client(e.rest, 'mft-emulator-key', 'mft-emulator-secret');
    const t0 = await ex.fetchTime();
    await new Promise((r) => setTimeout(r, 500));
    const dt = (await ex.fetchTime())! - t0!;
    expect(dt).toBeGreaterThan(200_000); // ~300 s emulated in 0.5 s wall
    expect(dt).toBeLessThan(600_000);
    const r1 = await fetch(`${e.rest}/fapi/v1/ticker/24hr?symbol=BTCUSDT`);
    expect(r1.status).toBe(503);
    expect((await fetch(`${e.rest}/fapi/v1/ticker/24hr?symbol=BTCUSDT`)).status).toBe(200);
  }, 60_000);

  it('bad arguments fail with one clear line', () => {
    const r = spawnSync('node', ['functions/cli/bin.mjs', 'emulator', '--account', 'bob'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--account 'bob': expected key:secret:usdt_balance");
    const f = spawnSync('node', ['functions/cli/bin.mjs', 'emulator', '--faults', 'explode'], { encoding: 'utf8' });
    expect(f.stderr).toContain("unknown action 'explode'");
  });
});

describe('mft data fetch (CLI) against mft emulator', () => {
  it('writes the csv.gz and the funding file, and says what it did', async () => {
    const e = await start('--step', '--start', '2025-01-20');
    const dir = (await import('node:fs')).mkdtempSync((await import('node:path')).join((await import('node:os')).tmpdir(), 'fetchcli-'));
    const out = `${dir}/BTCUSDT-5m.csv.gz`;
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn('node', ['functions/cli/bin.mjs', 'data', 'fetch', '--symbol', 'BTCUSDT', '--from', '2025-01-10', '--to', '2025-01-12', '--out', out, '--funding-out', `${dir}/f.csv.gz`, '--emulator', e.rest], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK: no errors');
    expect(r.stdout).toContain(`wrote ${out}: 576 bars in 1 kline request; ${dir}/f.csv.gz: 6 funding rows`);
  }, 60_000);
});
