import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBarCloseEvent } from '../../functions/handlers/barCloseEvent.ts';
import { BacktestEventSchema } from '../../functions/handlers/backtestEvent.ts';
import { handler as telegram } from '../../functions/handlers/telegram-notifier.ts';

const load = (f: string): unknown => JSON.parse(readFileSync(`events/${f}`, 'utf8'));

describe('sample events in events/', () => {
  it('every file is used by a handler and parses (except the one meant to be invalid)', async () => {
    const files = readdirSync('events').sort();
    expect(files).toEqual(['backtest-invalid.json', 'backtest-s3.json', 'backtest-shared-btc.json', 'backtest-synthetic.json', 'bar-close-scheduled.json', 'halt-changed.json', 'sns-alarm.json']);
    for (const f of files.filter((x) => x.startsWith('backtest-'))) expect(BacktestEventSchema.safeParse(load(f)).success).toBe(f !== 'backtest-invalid.json');
    expect(parseBarCloseEvent(load('bar-close-scheduled.json'))).toEqual({ ok: true, event: { kind: 'scheduled', time: Date.UTC(2026, 10, 24, 10, 4), id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa' } });
    expect(parseBarCloseEvent(load('halt-changed.json'))).toMatchObject({ ok: true, event: { kind: 'halt_changed', name: '/mft/paper/halt' } });
    const prev = process.env.MFT_TELEGRAM_BOT_TOKEN;
    delete process.env.MFT_TELEGRAM_BOT_TOKEN;
    const r = await telegram(load('sns-alarm.json'));
    if (prev !== undefined) process.env.MFT_TELEGRAM_BOT_TOKEN = prev;
    expect(r).toMatchObject({ ok: true, dryRun: [expect.stringContaining('🔴 ALARM: mft-paper-ReconcileMismatch')] });
  });
});
