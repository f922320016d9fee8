import type { BinanceKeys, Secrets, TelegramBot } from '../../ports/secrets.ts';

/** Local stage: keys from the environment, with the emulator's default account as fallback. */
export class EnvSecrets implements Secrets {
  constructor(private readonly env: Record<string, string | undefined> = process.env) {}

  async binance(): Promise<BinanceKeys> {
    return { apiKey: this.env.MFT_BINANCE_API_KEY ?? 'mft-local-key', secret: this.env.MFT_BINANCE_SECRET ?? 'mft-local-secret' };
  }

  async telegram(): Promise<TelegramBot> {
    const botToken = this.env.MFT_TELEGRAM_BOT_TOKEN;
    const chatId = this.env.MFT_TELEGRAM_CHAT_ID;
    if (!botToken || !chatId) throw new Error('MFT_TELEGRAM_BOT_TOKEN and MFT_TELEGRAM_CHAT_ID are not set');
    return { botToken, chatId };
  }
}
