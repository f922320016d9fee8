import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBarCloseEvent } from '../../functions/handlers/barCloseEvent.ts';
import { parseDailyReportEvent } from '../../functions/handlers/dailyReportEvent.ts';
import { BacktestEventSchema } from '../../functions/handlers/backtestEvent.ts';
import { handler as telegram } from '../../functions/handlers/telegram-notifier.ts';

const load = (f: string): unknown => JSON.parse(readFileSync(`events/${f}`, 'utf8'));

describe('sample events in events/', () => {
  it('every file is used by a handler and parses (except the one meant to be invalid)', async () => {
    const files = readdirSync('events').sort();
    expect(files).toEqual([
      'backtest-invalid.json',
      'backtest-s3.json',
      'backtest-shared-btc.json',
      'backtest-synthetic.json',
      'bar-close-local.json',
      'bar-close-scheduled.json',
      'daily-report-date.json',
      'daily-report-scheduled.json',
      'halt-changed.json',
      'sns-alarm.json',
      'sns-daily-report.json',
    ]);
    expect(parseBarCloseEvent(load('bar-close-local.json'))).toMatchObject({ ok: true, event: { kind: 'scheduled', time: Date.UTC(2025, 0, 20, 10, 4) } });
    expect(parseDailyReportEvent(load('daily-report-scheduled.json'))).toEqual({ ok: true, day: '2025-01-15' });
    expect(parseDailyReportEvent(load('daily-report-date.json'))).toEqual({ ok: true, day: '2025-01-15' });
    for (const f of files.filter((x) => x.startsWith('backtest-'))) expect(BacktestEventSchema.safeParse(load(f)).success).toBe(f !== 'backtest-invalid.json');
    expect(parseBarCloseEvent(load('bar-close-scheduled.json'))).toEqual({ ok: true, event: { kind: 'scheduled', time: Date.UTC(2026, 10, 24, 10, 4), id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa' } });
    expect(parseBarCloseEvent(load('halt-changed.json'))).toMatchObject({ ok: true, event: { kind: 'halt_changed', name: '/mft/paper/halt' } });
    const prev = process.env.MFT_TELEGRAM_BOT_TOKEN;
    delete process.env.MFT_TELEGRAM_BOT_TOKEN;
    const r = await telegram(load('sns-alarm.json'));
    if (prev !== undefined) process.env.MFT_TELEGRAM_BOT_TOKEN = prev;
    expect(r).toMatchObject({ ok: true, dryRun: [expect.stringContaining('🔴 ALARM: mft-paper-ReconcileMismatch')] });
    const rep = await telegram(load('sns-daily-report.json'));
    expect(rep).toMatchObject({ ok: true, dryRun: [expect.stringMatching(/^ℹ️ mft local 2025-01-15: .*\nMFT local daily report 2025-01-15\n[\s\S]*PARITY OK/)] });
  });
});
