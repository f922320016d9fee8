import * as z from 'zod';
import { splitMessage } from './markdownV2.ts';

const Reply = z.object({
  ok: z.boolean(),
  result: z.object({ message_id: z.number() }).passthrough().optional(),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number().optional() }).passthrough().optional(),
});

export class TelegramError extends Error {
  override readonly name = 'TelegramError';
  constructor(
    message: string,
    readonly status: number,
    readonly description: string,
  ) {
    super(message);
  }
}

export interface TelegramOptions {
  botToken: string;
  chatId: string;
  /** https://api.telegram.org by default; tests point it at a local server speaking the Bot API shape. */
  baseUrl?: string;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
  fetchImpl?: typeof fetch;
}

/**
 * Bot API `sendMessage`: MarkdownV2, split at 4096 characters, retries on 429 (`retry_after`) and
 * 5xx (exponential backoff); a 400 "can't parse entities" is retried once as plain text so an alarm
 * is never lost to a formatting mistake. Other 4xx are definitive.
 */
export class TelegramClient {
  private readonly base: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetchImpl: typeof fetch;
  constructor(private readonly o: TelegramOptions) {
    this.base = (o.baseUrl ?? 'https://api.telegram.org').replace(/\/$/, '');
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.fetchImpl = o.fetchImpl ?? fetch;
  }

  /** Sends `markdown` (already MarkdownV2-escaped) and returns the message ids. */
  async send(markdown: string, plainFallback: string): Promise<number[]> {
    const ids: number[] = [];
    const parts = splitMessage(markdown);
    const plainParts = splitMessage(plainFallback);
    for (let i = 0; i < parts.length; i++) ids.push(await this.sendOne(parts[i]!, plainParts[i] ?? plainFallback.slice(0, 4096)));
    return ids;
  }

  private async sendOne(text: string, plain: string): Promise<number> {
    const max = this.o.maxAttempts ?? 5;
    let body: Record<string, unknown> = { chat_id: this.o.chatId, text, parse_mode: 'MarkdownV2', disable_web_page_preview: true };
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      let reply: z.infer<typeof Reply> | null = null;
      try {
        const res = await this.fetchImpl(`${this.base}/bot${this.o.botToken}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        status = res.status;
        reply = Reply.safeParse(await res.json().catch(() => ({}))).data ?? null;
      } catch (err) {
        if (attempt >= max) throw new TelegramError(`telegram unreachable: ${(err as Error).message}`, 0, '');
        await this.sleep(Math.min(30_000, 500 * 2 ** attempt));
        continue;
      }
      if (reply?.ok && reply.result) return reply.result.message_id;
      const desc = reply?.description ?? `HTTP ${status}`;
      if (status === 429 && attempt < max) {
        await this.sleep(1000 * (reply?.parameters?.retry_after ?? 1));
        continue;
      }
      if (status >= 500 && attempt < max) {
        await this.sleep(Math.min(30_000, 500 * 2 ** attempt));
        continue;
      }
      if (status === 400 && /parse entities/i.test(desc) && body.parse_mode) {
        body = { chat_id: this.o.chatId, text: plain, disable_web_page_preview: true };
        continue;
      }
      // The token is part of the URL: never put it in an error message.
      throw new TelegramError(`telegram sendMessage failed: ${status} ${desc}`, status, desc);
    }
  }
}
