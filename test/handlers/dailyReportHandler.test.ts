import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { createStateTable } from '../../functions/adapters/aws/createStateTable.ts';
import { DynamoStateStore } from '../../functions/adapters/aws/dynamoStateStore.ts';
import { startDynalite } from '../../functions/adapters/local/dynalite.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { makeDailyReportHandler } from '../../functions/handlers/daily-report.ts';
import { parseDailyReportEvent } from '../../functions/handlers/dailyReportEvent.ts';
import { awsReportDeps } from '../../functions/wiring/awsReportDeps.ts';
import type { Notice } from '../../functions/ports/notifier.ts';
import { Harness } from '../support/barCloseHarness.ts';

const sns = mockClient(SNSClient);
const paper = parseConfig({ stage: { name: 'paper', exchange: 'demo' } }).config;
const topic = 'arn:aws:sns:ap-northeast-1:000000000000:mft-paper-alerts';
const env = { MFT_STAGE: 'paper', MFT_TABLE: 'mft-paper', MFT_ALERT_TOPIC_ARN: topic, MFT_CONFIG: JSON.stringify(paper) };
const scheduled = (time: string) => ({ version: '0', id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', time, region: 'ap-northeast-1', resources: [], detail: {} });

let db: Awaited<ReturnType<typeof startDynalite>> | undefined;
afterEach(async () => {
  sns.reset();
  await db?.close();
  db = undefined;
});

describe('daily-report event', () => {
  it('the 00:05 UTC schedule reports the day before; a manual date is taken as is; anything else names the field', () => {
    expect(parseDailyReportEvent(scheduled('2025-01-03T00:05:00Z'))).toEqual({ ok: true, day: '2025-01-02' });
    expect(parseDailyReportEvent(scheduled('2025-03-01T00:05:00Z'))).toEqual({ ok: true, day: '2025-02-28' });
    expect(parseDailyReportEvent({ date: '2025-01-15' })).toEqual({ ok: true, day: '2025-01-15' });
    const bad = parseDailyReportEvent({ date: '15/01/2025' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues[0]).toBe('date: expected YYYY-MM-DD');
    const extra = parseDailyReportEvent({ date: '2025-01-15', stage: 'live' });
    expect(!extra.ok && extra.issues.join('\n')).toMatch(/stage/);
  });
});

describe('daily-report handler', () => {
  it('on the AWS wiring (DynamoDB = dynalite, SNS mocked): yesterday from the table, published to the stage topic, parity ok', async () => {
    db = await startDynalite();
    await createStateTable(db.client, 'mft-paper');
    const store = new DynamoStateStore(db.client, 'mft-paper', 'paper-trending_v3');
    const s = syntheticMarket({ seed: 42, bars: 2 * 288 + 12 });
    const h = new Harness(s, paper, store);
    await h.run(0, s.length);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const handler = makeDailyReportHandler(async () => awsReportDeps(env, { ddb: db!.client, sns: new SNSClient({ region: 'ap-northeast-1' }) }));
    const r = await handler(scheduled('2025-01-03T00:05:00Z'));
    const day2 = h.trades.filter((t) => t.exitTime >= Date.UTC(2025, 0, 2) && t.exitTime < Date.UTC(2025, 0, 3));
    expect(r).toMatchObject({ ok: true, day: '2025-01-02', parity: 'ok', trades: day2.length });
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.TopicArn).toBe(topic);
    const msg = JSON.parse(input.Message!) as Notice;
    expect(msg.severity).toBe('info');
    expect(msg.subject).toMatch(new RegExp(`^mft paper 2025-01-02: ${day2.length} trades, [+-]\\d+\\.\\d\\d USD, parity ok$`));
    expect(msg.text).toContain('PARITY OK');
    expect(msg.text).toContain('bars          288/288');
  }, 120_000);

  it('invalid event: an error response naming the field, nothing read, nothing sent', async () => {
    let built = 0;
    const handler = makeDailyReportHandler(async () => {
      built++;
      throw new Error('must not be built');
    });
    expect(await handler({ date: 'yesterday' })).toEqual({ ok: false, error: 'invalid_event', issues: ['date: expected YYYY-MM-DD', 'expected an EventBridge scheduled event or { "date": "YYYY-MM-DD" }'] });
    expect(built).toBe(0);
  });

  it('parity differences and halts raise the severity to warning', async () => {
    const s = syntheticMarket({ seed: 42, bars: 2 * 288 + 12 });
    const h = new Harness(s, paper);
    for (let i = 0; i < s.length; i++) {
      if (i === 300) await h.killSwitch.write('halt');
      await h.bar(i);
    }
    const notices: Notice[] = [];
    const handler = makeDailyReportHandler(async () => ({ cfg: paper, store: h.store, notifier: { notify: async (n) => void notices.push(n) } }));
    const r = await handler({ date: '2025-01-02' });
    expect(r.ok && r.parity).toBe('ok');
    expect(notices[0]!.severity).toBe('warning');
    expect(notices[0]!.text).toMatch(/kill_switch: off -> halt/);
  }, 60_000);
});
