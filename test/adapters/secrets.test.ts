import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretsManagerSecrets, SecretValueError } from '../../functions/adapters/aws/secretsManagerSecrets.ts';
import { EnvSecrets } from '../../functions/adapters/local/envSecrets.ts';

const sm = mockClient(SecretsManagerClient);
afterEach(() => sm.reset());

describe('Secrets', () => {
  it('Secrets Manager: reads mft/<stage>/binance once per container', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'mft/paper/binance' }).resolves({ SecretString: JSON.stringify({ apiKey: 'k', secret: 's' }) });
    const s = new SecretsManagerSecrets(new SecretsManagerClient({ region: 'ap-northeast-1' }), 'paper');
    expect(await s.binance()).toEqual({ apiKey: 'k', secret: 's' });
    expect(await s.binance()).toEqual({ apiKey: 'k', secret: 's' });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });
  it('Secrets Manager: an empty or incomplete secret says what to do, without the value', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'mft/live/binance' }).resolves({ SecretString: undefined });
    sm.on(GetSecretValueCommand, { SecretId: 'mft/live/telegram' }).resolves({ SecretString: JSON.stringify({ botToken: 'tok-SECRET' }) });
    const s = new SecretsManagerSecrets(new SecretsManagerClient({ region: 'ap-northeast-1' }), 'live');
    await expect(s.binance()).rejects.toThrow(/mft\/live\/binance: is empty: set it/);
    const err = await s.telegram().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretValueError);
    expect((err as Error).message).toContain('chatId');
    expect((err as Error).message).not.toContain('tok-SECRET');
  });
  it('Secrets Manager: a failure is not cached', async () => {
    sm.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: JSON.stringify({ botToken: 't', chatId: 42 }) });
    const s = new SecretsManagerSecrets(new SecretsManagerClient({ region: 'ap-northeast-1' }), 'paper');
    await expect(s.telegram()).rejects.toThrow('throttled');
    expect(await s.telegram()).toEqual({ botToken: 't', chatId: '42' });
  });
  it('env: local keys with the emulator default', async () => {
    expect(await new EnvSecrets({}).binance()).toEqual({ apiKey: 'mft-local-key', secret: 'mft-local-secret' });
    expect(await new EnvSecrets({ MFT_BINANCE_API_KEY: 'a', MFT_BINANCE_SECRET: 'b' }).binance()).toEqual({ apiKey: 'a', secret: 'b' });
    await expect(new EnvSecrets({}).telegram()).rejects.toThrow(/MFT_TELEGRAM_BOT_TOKEN/);
  });
});
