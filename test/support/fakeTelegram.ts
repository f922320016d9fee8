import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  token: string;
  chat_id: string;
  text: string;
  parse_mode?: string;
}

/**
 * A local HTTP server speaking the Telegram Bot API shape for sendMessage. `script` answers each
 * request in turn ('ok' | 429 | 500 | 'parse' | 403); after the script, requests succeed.
 */
export async function fakeTelegram(script: Array<'ok' | 429 | 500 | 'parse' | 403> = []): Promise<{ url: string; sent: SentMessage[]; requests: number; close: () => Promise<void> }> {
  const sent: SentMessage[] = [];
  const state = { requests: 0 };
  let id = 100;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.requests++;
      const m = /^\/bot([^/]+)\/sendMessage$/.exec(req.url ?? '');
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (!m || req.method !== 'POST') return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
      const step = script.shift() ?? 'ok';
      const msg = JSON.parse(body) as Omit<SentMessage, 'token'>;
      if (step === 429) return reply(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 2', parameters: { retry_after: 2 } });
      if (step === 500) return reply(500, { ok: false, error_code: 500, description: 'Internal Server Error' });
      if (step === 403) return reply(403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
      if (step === 'parse' && msg.parse_mode) return reply(400, { ok: false, error_code: 400, description: "Bad Request: can't parse entities: character '.' is reserved" });
      if ((msg.text ?? '').length > 4096) return reply(400, { ok: false, error_code: 400, description: 'Bad Request: message is too long' });
      sent.push({ token: m[1]!, ...msg });
      return reply(200, { ok: true, result: { message_id: ++id, chat: { id: Number(msg.chat_id) }, date: 0, text: msg.text } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
