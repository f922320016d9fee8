export interface BinanceKeys {
  apiKey: string;
  secret: string;
}

export interface TelegramBot {
  botToken: string;
  chatId: string;
}

/** `mft/<stage>/binance` and `mft/<stage>/telegram` (Secrets Manager on AWS, env locally). */
export interface Secrets {
  binance(): Promise<BinanceKeys>;
  telegram(): Promise<TelegramBot>;
}
