import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { BinanceKeys, Secrets, TelegramBot } from '../../ports/secrets.ts';

const BinanceSchema = z.object({ apiKey: z.string().min(1), secret: z.string().min(1) });
const TelegramSchema = z.object({ botToken: z.string().min(1), chatId: z.union([z.string().min(1), z.number()]).transform(String) });

export class SecretValueError extends Error {
  override readonly name = 'SecretValueError';
  constructor(
    readonly secretId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`secret ${secretId}: ${message}`, options);
  }
}

/**
 * `mft/<stage>/binance` = {"apiKey","secret"}, `mft/<stage>/telegram` = {"botToken","chatId"}.
 * Cached per container (one fetch per cold start); values never logged.
 */
export class SecretsManagerSecrets implements Secrets {
  private readonly cache = new Map<string, Promise<unknown>>();
  constructor(
    private readonly sm: SecretsManagerClient,
    readonly stage: string,
  ) {}

  binance(): Promise<BinanceKeys> {
    return this.get(`mft/${this.stage}/binance`, BinanceSchema);
  }

  telegram(): Promise<TelegramBot> {
    return this.get(`mft/${this.stage}/telegram`, TelegramSchema);
  }

  private get<T>(id: string, schema: z.ZodType<T>): Promise<T> {
    let p = this.cache.get(id) as Promise<T> | undefined;
    if (!p) {
      p = this.fetch(id, schema);
      this.cache.set(id, p);
      p.catch(() => this.cache.delete(id)); // do not cache failures
    }
    return p;
  }

  private async fetch<T>(id: string, schema: z.ZodType<T>): Promise<T> {
    const r = await this.sm.send(new GetSecretValueCommand({ SecretId: id }));
    if (!r.SecretString) throw new SecretValueError(id, 'is empty: set it with `aws secretsmanager put-secret-value` (docs/runbook.md)');
    let json: unknown;
    try {
      json = JSON.parse(r.SecretString);
    } catch (err) {
      throw new SecretValueError(id, 'is not JSON', { cause: err });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new SecretValueError(id, `missing or empty fields: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    return parsed.data;
  }
}
