import { describe, expect, it } from 'vitest';
import { escapeMarkdownV2, splitMessage } from '../../functions/adapters/telegram/markdownV2.ts';
import { TelegramClient, TelegramError } from '../../functions/adapters/telegram/telegramClient.ts';
import { formatMessage, makeTelegramHandler } from '../../functions/handlers/telegram-notifier.ts';
import { fakeTelegram } from '../support/fakeTelegram.ts';

const alarm = {
  AlarmName: 'mft-live-BarCloseToAckP99',
  AlarmDescription: 'bar close -> order ack p99 > 5 s',
  NewStateValue: 'ALARM',
  OldStateValue: 'OK',
  NewStateReason: 'Threshold Crossed: 1 datapoint [6123.5 (24/11/26 10:05:00)] was greater than the threshold (5000.0).',
  StateChangeTime: '2026-11-24T10:06:01.123+0000',
  Region: 'Asia Pacific (Tokyo)',
  Trigger: { MetricName: 'BarCloseToAckMs', Namespace: 'MFT', Threshold: 5000 },
};
const sns = (...messages: string[]) => ({ Records: messages.map((m) => ({ EventSource: 'aws:sns', Sns: { Message: m, Subject: 'ALARM: "x"', Timestamp: '2026-11-24T10:06:01Z' } })) });
const secrets = { binance: async () => ({ apiKey: '', secret: '' }), telegram: async () => ({ botToken: '123:SECRET', chatId: '-1001' }) };
const sleeps: number[] = [];
const sleep = async (ms: number) => void sleeps.push(ms);

describe('telegram notifier', () => {
  it('escapes MarkdownV2 and splits at 4096 characters', () => {
    expect(escapeMarkdownV2('p99 6123.5 > 5000 (mft-live)!')).toBe('p99 6123\\.5 \\> 5000 \\(mft\\-live\\)\\!');
    const parts = splitMessage(('line ' + 'x'.repeat(90) + '\n').repeat(100));
    expect(parts.length).toBe(3);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(splitMessage('a'.repeat(4095) + '\\.' + 'b')[0]!.endsWith('\\')).toBe(false);
  });

  it('a CloudWatch alarm becomes a readable message', () => {
    const m = formatMessage(JSON.stringify(alarm));
    expect(m.plain.split('\n')).toEqual([
      '🔴 ALARM: mft-live-BarCloseToAckP99',
      'bar close -> order ack p99 > 5 s',
      alarm.NewStateReason,
      'metric MFT/BarCloseToAckMs threshold 5000',
      'at 2026-11-24T10:06:01.123+0000',
    ]);
    expect(m.markdown.startsWith('*🔴 ALARM: mft\\-live\\-BarCloseToAckP99*\n')).toBe(true);
  });

  it('sends an SNS alarm through the Bot API', async () => {
    const tg = await fakeTelegram();
    try {
      const h = makeTelegramHandler(async () => ({ secrets, baseUrl: tg.url, sleep }));
      expect(await h(sns(JSON.stringify(alarm)))).toEqual({ ok: true, sent: 1 });
      expect(tg.sent).toHaveLength(1);
      expect(tg.sent[0]).toMatchObject({ token: '123:SECRET', chat_id: '-1001', parse_mode: 'MarkdownV2' });
      expect(tg.sent[0]!.text).toContain('mft\\-live\\-BarCloseToAckP99');
    } finally {
      await tg.close();
    }
  });

  it('a long daily report is split into several messages', async () => {
    const tg = await fakeTelegram();
    try {
      const text = Array.from({ length: 300 }, (_, i) => `trade ${i} long 0.005 @ 95000.1 -> 95120.4 tp +0.41`).join('\n');
      const h = makeTelegramHandler(async () => ({ secrets, baseUrl: tg.url, sleep }));
      const r = await h(sns(JSON.stringify({ subject: 'MFT daily report 2026-11-23', text, severity: 'info' })));
      expect(r.sent).toBeGreaterThan(1);
      expect(tg.sent.every((m) => m.text.length <= 4096)).toBe(true);
    } finally {
      await tg.close();
    }
  });

  it('429: waits retry_after seconds and retries; 5xx: backs off and retries', async () => {
    const tg = await fakeTelegram([429, 500, 'ok']);
    sleeps.length = 0;
    try {
      const c = new TelegramClient({ botToken: 't', chatId: '1', baseUrl: tg.url, sleep });
      expect(await c.send('hi', 'hi')).toEqual([101]);
      expect(sleeps).toEqual([2000, 2000]); // retry_after 2 s; then 500 * 2^2 ms backoff on attempt 2
      expect(tg.requests).toBe(3);
    } finally {
      await tg.close();
    }
  });

  it("400 can't parse entities: resent as plain text, so the alarm is not lost", async () => {
    const tg = await fakeTelegram(['parse']);
    try {
      const c = new TelegramClient({ botToken: 't', chatId: '1', baseUrl: tg.url, sleep });
      await c.send('*broken.', 'broken.');
      expect(tg.sent).toEqual([{ token: 't', chat_id: '1', text: 'broken.', disable_web_page_preview: true }]);
    } finally {
      await tg.close();
    }
  });

  it('other 4xx are definitive and the error never contains the token', async () => {
    const tg = await fakeTelegram([403]);
    try {
      const c = new TelegramClient({ botToken: '999:TOPSECRET', chatId: '1', baseUrl: tg.url, sleep });
      const err = await c.send('hi', 'hi').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TelegramError);
      expect((err as TelegramError).status).toBe(403);
      expect((err as Error).message).toBe('telegram sendMessage failed: 403 Forbidden: bot was blocked by the user');
      expect((err as Error).message).not.toContain('TOPSECRET');
      expect(tg.requests).toBe(1);
    } finally {
      await tg.close();
    }
  });

  it('rejects a non-SNS event without calling Telegram', async () => {
    const h = makeTelegramHandler(async () => ({ secrets, baseUrl: 'http://127.0.0.1:1', sleep }));
    expect(await h({ foo: 1 })).toMatchObject({ ok: false, sent: 0 });
  });
});
