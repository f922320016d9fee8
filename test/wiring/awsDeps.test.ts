import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { createStateTable } from '../../functions/adapters/aws/createStateTable.ts';
import { createBinanceClient } from '../../functions/adapters/binance/createBinanceClient.ts';
import { StartupRefusedError } from '../../functions/adapters/binance/startupChecks.ts';
import { startDynalite } from '../../functions/adapters/local/dynalite.ts';
import { VirtualClock } from '../../functions/adapters/local/clocks.ts';
import type { BarCloseOutcome } from '../../functions/app/runBarClose.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { makeBarCloseHandler } from '../../functions/handlers/bar-close.ts';
import { awsBarCloseDeps, type AwsClients } from '../../functions/wiring/awsDeps.ts';
import { scheduled } from '../support/barCloseHarness.ts';
import { emulatorFixture, KEY, SECRET, type EmulatorFixture } from '../support/emulatorFixture.ts';

const ssm = mockClient(SSMClient);
const sm = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const s = syntheticMarket({ seed: 42, bars: 800 });
const paper = parseConfig({ stage: { name: 'paper', exchange: 'demo' } }).config;
const env = { MFT_STAGE: 'paper', MFT_TABLE: 'mft-paper', MFT_HALT_PARAMETER: '/mft/paper/halt', MFT_ALERT_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:000000000000:mft-paper-alerts', MFT_CONFIG: JSON.stringify(paper), MFT_CODE_SHA: 'abc1234' };

let f: EmulatorFixture | undefined;
let db: Awaited<ReturnType<typeof startDynalite>> | undefined;
beforeEach(() => {
  ssm.on(GetParameterCommand, { Name: '/mft/paper/halt' }).resolves({ Parameter: { Value: 'off' } });
  sm.on(GetSecretValueCommand, { SecretId: 'mft/paper/binance' }).resolves({ SecretString: JSON.stringify({ apiKey: KEY, secret: SECRET }) });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});
afterEach(async () => {
  ssm.reset();
  sm.reset();
  sns.reset();
  await f?.close();
  await db?.close();
  f = undefined;
  db = undefined;
});

/** AWS wiring with DynamoDB = dynalite, SSM/Secrets/SNS mocked, and Binance = the emulator via ccxt. */
async function clients(clock: VirtualClock): Promise<Partial<AwsClients> & { modes: string[] }> {
  f = await emulatorFixture([s], paper, clock);
  db = await startDynalite();
  await createStateTable(db.client, 'mft-paper');
  const modes: string[] = [];
  const emu = f.emu;
  return {
    ddb: db.client,
    ssm: new SSMClient({ region: 'ap-northeast-1' }),
    secrets: new SecretsManagerClient({ region: 'ap-northeast-1' }),
    sns: new SNSClient({ region: 'ap-northeast-1' }),
    // the stage asks for `demo`; the keys are the ones read from Secrets Manager
    binance: (k, mode) => (modes.push(mode), createBinanceClient({ mode: 'emulator', apiKey: k.apiKey, secret: k.secret, emulator: emu })),
    clock,
    modes,
  };
}

describe('AWS wiring of the bar-close Lambda', () => {
  it('builds deps from the stack environment, passes the start-up checks and trades a bar', async () => {
    const clock = new VirtualClock(s.openTime[400]! + 240_000);
    const c = await clients(clock);
    const handler = makeBarCloseHandler(() => awsBarCloseDeps(env, c));
    const r = await handler(scheduled(s.openTime[400]! + 240_000), { awsRequestId: 'r-1' });
    expect(r.ok).toBe(true);
    expect((r as { outcome: BarCloseOutcome }).outcome).toMatchObject({ kind: 'decided', barOpenTime: s.openTime[400] });
    expect(c.modes).toEqual(['demo']);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(ssm.commandCalls(GetParameterCommand).length).toBeGreaterThanOrEqual(1);
    // the configured leverage and margin type were applied on the exchange account
    const acct = f!.emu.venue.accounts.get(KEY)!;
    expect(acct.leverage.get('BTCUSDT')).toBe(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('a refused start-up (hedge mode): nothing trades, Telegram is told why, the invocation fails', async () => {
    const clock = new VirtualClock(s.openTime[400]! + 240_000);
    const c = await clients(clock);
    f!.emu.venue.accounts.get(KEY)!.dualSidePosition = true;
    const handler = makeBarCloseHandler(() => awsBarCloseDeps(env, c));
    const err = await handler(scheduled(s.openTime[400]! + 240_000), { awsRequestId: 'r-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupRefusedError);
    expect((err as Error).message).toMatch(/refusing to trade on stage paper:\n {2}- position mode is Hedge/);
    const pub = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(pub.Subject).toBe('mft paper: refusing to trade');
    expect(JSON.parse(pub.Message!)).toMatchObject({ severity: 'critical', subject: 'mft paper: refusing to trade', text: expect.stringMatching(/^position mode is Hedge/) });
    expect(f!.emu.requests.filter((q) => q.path === '/fapi/v1/order')).toEqual([]);
  });

  it('a bad environment or config is named before anything is called', async () => {
    await expect(awsBarCloseDeps({ ...env, MFT_ALERT_TOPIC_ARN: undefined })).rejects.toThrow(/MFT_ALERT_TOPIC_ARN/);
    await expect(awsBarCloseDeps({ ...env, MFT_CONFIG: JSON.stringify({ ...paper, risk: { ...paper.risk, max_daily_loss_usd: -5 } }) })).rejects.toThrow(/risk.max_daily_loss_usd: -5/);
    await expect(awsBarCloseDeps({ ...env, MFT_STAGE: 'live' })).rejects.toThrow(/MFT_CONFIG is stage 'paper' but the function is deployed for 'live'/);
    await expect(awsBarCloseDeps({ ...env, MFT_CONFIG: JSON.stringify(parseConfig({ stage: { name: 'paper', exchange: 'emulator' } }).config) })).rejects.toThrow(/not deployable/);
  });
});
