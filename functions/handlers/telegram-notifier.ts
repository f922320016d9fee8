import type { Context, SNSEvent } from 'aws-lambda';
import * as z from 'zod';
import { escapeMarkdownV2 } from '../adapters/telegram/markdownV2.ts';
import { TelegramClient } from '../adapters/telegram/telegramClient.ts';
import type { Secrets } from '../ports/secrets.ts';

const SnsEventSchema = z.object({ Records: z.array(z.object({ Sns: z.object({ Message: z.string(), Subject: z.string().nullish(), Timestamp: z.string().optional() }) })).min(1) });

const AlarmSchema = z.object({
  AlarmName: z.string(),
  AlarmDescription: z.string().nullish(),
  NewStateValue: z.string(),
  OldStateValue: z.string().optional(),
  NewStateReason: z.string(),
  StateChangeTime: z.string().optional(),
  Region: z.string().optional(),
  Trigger: z.object({ MetricName: z.string().optional(), Namespace: z.string().optional(), Threshold: z.number().optional() }).passthrough().optional(),
});

const NoticeSchema = z.object({ subject: z.string(), text: z.string(), severity: z.enum(['info', 'warning', 'critical']).optional() });

const ICON: Record<string, string> = { ALARM: '🔴', OK: '🟢', INSUFFICIENT_DATA: '⚪', critical: '🔴', warning: '🟠', info: 'ℹ️' };

/** One SNS message (CloudWatch alarm JSON, an MFT notice/report JSON, or plain text) -> Telegram text. */
export function formatMessage(message: string, subject?: string | null): { markdown: string; plain: string } {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    json = null;
  }
  const alarm = AlarmSchema.safeParse(json);
  if (alarm.success) {
    const a = alarm.data;
    const title = `${ICON[a.NewStateValue] ?? '•'} ${a.NewStateValue}: ${a.AlarmName}`;
    const lines = [a.AlarmDescription ?? '', a.NewStateReason, a.Trigger?.MetricName ? `metric ${a.Trigger.Namespace ?? ''}/${a.Trigger.MetricName}${a.Trigger.Threshold !== undefined ? ` threshold ${a.Trigger.Threshold}` : ''}` : '', a.StateChangeTime ? `at ${a.StateChangeTime}` : ''].filter(Boolean);
    return { markdown: `*${escapeMarkdownV2(title)}*\n${escapeMarkdownV2(lines.join('\n'))}`, plain: `${title}\n${lines.join('\n')}` };
  }
  const notice = NoticeSchema.safeParse(json);
  if (notice.success) {
    const n = notice.data;
    const title = `${ICON[n.severity ?? 'info']} ${n.subject}`;
    // Reports come as preformatted text (tables): a code block keeps their columns.
    return { markdown: `*${escapeMarkdownV2(title)}*\n\`\`\`\n${n.text.replace(/[`\\]/g, (c) => `\\${c}`)}\n\`\`\``, plain: `${title}\n${n.text}` };
  }
  const title = subject ? `${subject}\n` : '';
  return { markdown: escapeMarkdownV2(title + message), plain: title + message };
}

export function makeTelegramHandler(deps: () => Promise<{ secrets: Secrets; baseUrl?: string; sleep?: (ms: number) => Promise<void> }>) {
  let client: Promise<TelegramClient> | undefined;
  return async (event: unknown, _ctx?: Context): Promise<{ ok: boolean; sent: number; error?: string }> => {
    const parsed = SnsEventSchema.safeParse(event);
    if (!parsed.success) return { ok: false, sent: 0, error: `not an SNS event: ${parsed.error.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ')}` };
    client ??= deps().then(async (d) => {
      const t = await d.secrets.telegram();
      return new TelegramClient({ botToken: t.botToken, chatId: t.chatId, baseUrl: d.baseUrl, sleep: d.sleep });
    });
    const c = await client.catch((err: unknown) => {
      client = undefined;
      throw err;
    });
    let sent = 0;
    for (const r of parsed.data.Records as SNSEvent['Records']) {
      const m = formatMessage(r.Sns.Message, r.Sns.Subject);
      sent += (await c.send(m.markdown, m.plain)).length;
    }
    return { ok: true, sent };
  };
}

const awsHandler = makeTelegramHandler(async () => {
  const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const { SecretsManagerSecrets } = await import('../adapters/aws/secretsManagerSecrets.ts');
  return { secrets: new SecretsManagerSecrets(new SecretsManagerClient({}), process.env.MFT_STAGE!) };
});

/**
 * Entry point. On AWS (MFT_STAGE set by the stack) the bot token and chat id come from Secrets
 * Manager `mft/<stage>/telegram`. Locally (`mft invoke telegram-notifier events/sns-alarm.json`):
 * MFT_TELEGRAM_BOT_TOKEN / MFT_TELEGRAM_CHAT_ID / MFT_TELEGRAM_BASE_URL, or a dry run that returns
 * the formatted messages when no token is set.
 */
export async function handler(event: unknown, ctx?: Context): Promise<{ ok: boolean; sent: number; error?: string; dryRun?: string[] }> {
  const stage = process.env.MFT_STAGE;
  if (stage && stage !== 'local') return awsHandler(event, ctx);
  if (!process.env.MFT_TELEGRAM_BOT_TOKEN) {
    const parsed = SnsEventSchema.safeParse(event);
    if (!parsed.success) return { ok: false, sent: 0, error: 'not an SNS event' };
    return { ok: true, sent: 0, dryRun: parsed.data.Records.map((r) => formatMessage(r.Sns.Message, r.Sns.Subject).plain) };
  }
  const { EnvSecrets } = await import('../adapters/local/envSecrets.ts');
  return makeTelegramHandler(async () => ({ secrets: new EnvSecrets(), baseUrl: process.env.MFT_TELEGRAM_BASE_URL }))(event, ctx);
}
