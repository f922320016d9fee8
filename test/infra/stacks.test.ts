import { App, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../config/load.ts';
import { MftStage } from '../../lib/mftStage.ts';

const env = { account: '111111111111', region: 'ap-northeast-1' };
let paper: MftStage;
let live: MftStage;
let app: App;
beforeAll(() => {
  app = new App();
  paper = new MftStage(app, 'Mft-paper', loadConfig('config/stages/paper.yaml').config, { env });
  live = new MftStage(app, 'Mft-live', loadConfig('config/stages/live.yaml').config, { env });
}, 120_000);

const tpl = (s: Stack) => Template.fromStack(s);

describe('state stack', () => {
  it('one DynamoDB table: PK/SK, on-demand, PITR, deletion protection, retained, pinned logical id, TTL', () => {
    const t = tpl(paper.state);
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    t.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        TableName: 'mft-paper',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    });
    expect(Object.keys(t.findResources('AWS::DynamoDB::Table'))).toEqual(['MftStateTable']);
    expect(paper.state.terminationProtection).toBe(true);
  });
});

describe('trading stack', () => {
  it('bar-close function: Node 22+ on arm64, ESM bundle, reserved concurrency 1, timeout covering the early wake, DLQ on failure', () => {
    const t = tpl(paper.trading);
    t.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'mft-paper-bar-close',
      Runtime: Match.stringLikeRegexp('^nodejs(2[2-9]|[3-9]\\d)\\.x$'),
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 1,
      Timeout: 180,
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ MFT_STAGE: 'paper' }) },
    });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    t.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'mft-paper-bar-close-failed', SqsManagedSseEnabled: true });
  });

  it('bar-close function: the stage config it trades with (MFT_CONFIG, re-validated by the function) and the alert topic it may publish to', () => {
    const t = tpl(paper.trading);
    const fn = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'mft-paper-bar-close' } }))[0]!;
    const vars = (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    const cfg = loadConfig('config/stages/paper.yaml').config;
    expect(JSON.parse(vars['MFT_CONFIG'] as string)).toEqual(JSON.parse(JSON.stringify(cfg)));
    expect(parseConfig(JSON.parse(vars['MFT_CONFIG'] as string)).hash).toBe(loadConfig('config/stages/paper.yaml').hash);
    expect(vars['MFT_ALERT_TOPIC_ARN']).toEqual({ Ref: expect.stringMatching(/^AlertingTopic/) });
    // Lambda environment variables are limited to 4 KB in total
    expect(JSON.stringify(vars).length).toBeLessThan(4096);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('AlertingTopic') } })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('BarCloseFnServiceRole') }],
    });
  });

  it('rules: one minute before each 5m close; SSM halt parameter change', () => {
    const t = tpl(paper.trading);
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(4/5 * * * ? *)', State: 'ENABLED' });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.ssm'], 'detail-type': ['Parameter Store Change'], detail: { name: ['/mft/paper/halt'] } },
    });
  });

  it('kill switch: SSM String /mft/<stage>/halt, off for paper, halt for live', () => {
    tpl(paper.trading).hasResourceProperties('AWS::SSM::Parameter', { Name: '/mft/paper/halt', Type: 'String', Value: 'off', AllowedPattern: '^(off|halt|flatten)$' });
    tpl(live.trading).hasResourceProperties('AWS::SSM::Parameter', { Name: '/mft/live/halt', Value: 'halt' });
  });

  it('secrets mft/<stage>/binance and mft/<stage>/telegram are created empty', () => {
    const t = tpl(paper.trading);
    const secrets = Object.values(t.findResources('AWS::SecretsManager::Secret')).map((r) => r.Properties as Record<string, unknown>);
    expect(secrets.map((p) => p.Name).sort()).toEqual(['mft/paper/binance', 'mft/paper/telegram']);
    for (const p of secrets) {
      expect(p.SecretString).toBeUndefined();
      expect(p.GenerateSecretString).toBeUndefined();
    }
  });

  it('least privilege: the bar-close role reaches one table, one parameter, one secret', () => {
    const t = tpl(paper.trading);
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).map((p) => JSON.stringify(p.Properties));
    const barClose = policies.find((p) => p.includes('ssm:PutParameter'))!;
    expect(barClose).toBeDefined();
    expect(barClose).not.toContain('"Resource":"*"');
    expect(barClose.match(/dynamodb:/g)!.length).toBeGreaterThan(3);
    expect(barClose).toContain('ImportValue'); // the state stack's table ARN (cross-stack), one table
    expect(barClose.match(/"Ref":"KillSwitchHalt[0-9A-F]+"/g)!.length).toBe(2); // read + write, that one parameter
    expect((barClose.match(/secretsmanager:GetSecretValue/g) ?? []).length).toBe(1);
    expect(barClose).toMatch(/"Ref":"Secretsbinance[0-9A-F]+"/);
    expect(barClose).not.toContain('Secretstelegram');
    const notifier = policies.find((p) => p.includes('secretsmanager:GetSecretValue') && !p.includes('dynamodb'))!;
    expect(notifier).not.toContain('dynamodb');
    expect(notifier).not.toContain('ssm:');
  });

  it('alerting: SNS topic (TLS only) -> Telegram notifier; the alarms of the issue', () => {
    const t = tpl(paper.trading);
    t.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'mft-paper-alerts' });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', Match.objectLike({ PolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) }) }));
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as Record<string, unknown>);
    const by = (name: string) => alarms.find((a) => a.MetricName === name)!;
    expect(alarms).toHaveLength(8);
    const errors = alarms.filter((a) => a.MetricName === 'Errors');
    expect(errors.map((a) => a.AlarmDescription).sort()).toEqual(['bar-close function errors', 'the daily report failed (no report in Telegram today)']);
    for (const e of errors) expect(e).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(by('Heartbeat')).toMatchObject({ Threshold: 1, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 2, TreatMissingData: 'breaching', Period: 300 });
    expect(by('BarCloseToAckMs')).toMatchObject({ Threshold: 5000, ExtendedStatistic: 'p99', ComparisonOperator: 'GreaterThanThreshold' });
    expect(by('ReconcileMismatch')).toMatchObject({ Threshold: 1 });
    expect(by('HaltChanged')).toMatchObject({ Threshold: 1 });
    expect(by('DayPnl')).toMatchObject({ Threshold: -75, Statistic: 'Minimum', ComparisonOperator: 'LessThanThreshold' });
    expect(by('ApproximateNumberOfMessagesVisible')).toMatchObject({ Threshold: 1 });
    for (const a of alarms) expect(JSON.stringify(a.AlarmActions)).toContain('AlertingTopic');
    expect(tpl(live.trading).findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'DayPnl', Threshold: -15 } })).not.toEqual({});
  });

  it('daily report: 00:05 UTC rule, Node 22+ arm64, reads the one table, publishes to the one topic, no secrets, no SSM', () => {
    const t = tpl(paper.trading);
    const fns = t.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'mft-paper-daily-report' } });
    const [logical, fn] = Object.entries(fns)[0]!;
    const props = fn.Properties as { Runtime: string; Architectures: string[]; Timeout: number; Environment: { Variables: Record<string, unknown> } };
    expect(Number(props.Runtime.replace(/\D/g, ''))).toBeGreaterThanOrEqual(22);
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.Timeout).toBe(120);
    expect(Object.keys(props.Environment.Variables).sort()).toEqual(['MFT_ALERT_TOPIC_ARN', 'MFT_CONFIG', 'MFT_STAGE', 'MFT_TABLE']);
    expect(JSON.parse(String(props.Environment.Variables.MFT_CONFIG))).toMatchObject({ stage: { name: 'paper' } });
    const rules = Object.values(t.findResources('AWS::Events::Rule')).filter((r) => JSON.stringify(r.Properties).includes(logical));
    expect(rules.map((r) => (r.Properties as { ScheduleExpression: string }).ScheduleExpression)).toEqual(['cron(5 0 * * ? *)']);
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).map((p) => JSON.stringify(p.Properties));
    const role = JSON.stringify((fn.Properties as { Role: unknown }).Role);
    const mine = policies.filter((p) => p.includes(JSON.parse(role)['Fn::GetAtt'][0]));
    expect(mine).toHaveLength(1);
    const pol = mine[0]!;
    expect(pol).toContain('dynamodb:GetItem');
    expect(pol).toContain('dynamodb:Query');
    expect(pol).not.toMatch(/dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/);
    expect(pol).toContain('ImportValue');
    expect(pol).toContain('sns:Publish');
    expect(pol).not.toContain('secretsmanager');
    expect(pol).not.toContain('ssm:');
    expect(pol).not.toContain('"Resource":"*"');
  });

  it('sweep fan-out: Distributed Map over the item Lambda (S3 JSON items, batches, bounded concurrency, ResultWriter to S3), then the summary; least privilege', () => {
    const t = tpl(paper.trading);
    const [smId, sm] = Object.entries(t.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: 'mft-paper-sweep' } }))[0]!;
    const asl = JSON.stringify((sm.Properties as { DefinitionString: unknown }).DefinitionString);
    expect(asl).toContain('\\"Mode\\":\\"DISTRIBUTED\\"');
    expect(asl).toContain('\\"MaxConcurrency\\":40');
    expect(asl).toContain('\\"ReaderConfig\\":{\\"InputType\\":\\"JSON\\"}');
    expect(asl).toContain('\\"Key.$\\":\\"$.itemsKey\\"');
    expect(asl).toContain('\\"MaxItemsPerBatch\\":25');
    expect(asl).toContain(':states:::s3:putObject');
    expect(asl).toContain('\\"Prefix\\":\\"sweeps/map-runs\\"');
    expect(asl).toMatch(/RunBatch.*SweepItemFn[0-9A-F]+.*Summarize.*SweepSummaryFn[0-9A-F]+/);
    expect((sm.Properties as { LoggingConfiguration: { Level: string } }).LoggingConfiguration.Level).toBe('ALL');
    t.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'mft-paper-sweep-item', Architectures: ['arm64'], Timeout: 900 });
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/mft/paper/sweep', Type: 'String' });
    const policies = Object.entries(t.findResources('AWS::IAM::Policy')).map(([id, p]) => [id, JSON.stringify(p.Properties)] as const);
    const item = policies.find(([id]) => id.startsWith('SweepItemFnServiceRoleDefaultPolicy'))![1];
    expect(item).toContain('/sweeps/*');
    expect(item).not.toMatch(/s3:(PutObject|DeleteObject)/);
    expect(item).not.toMatch(/dynamodb|secretsmanager|ssm:/);
    const smPolicy = policies.filter(([id]) => id.startsWith('SweepStateMachine')).map(([, p]) => p).join(' ');
    expect(smId).toMatch(/^SweepStateMachine/);
    expect(smPolicy).toContain('lambda:InvokeFunction');
    expect(smPolicy).toContain('states:StartExecution');
    // the summary renders report.html offline: its asset carries the chart library next to index.mjs
    const outdir = app.synth().directory;
    const withLib = readdirSync(outdir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('lightweight-charts.standalone.production.js'));
    expect(withLib.length).toBeGreaterThanOrEqual(1);
    for (const f of withLib) expect(readdirSync(join(outdir, dirname(f)))).toContain('index.mjs');
  });

  it('backtest function and its bucket (TLS only, no public access, read-only grant); a dashboard', () => {
    const t = tpl(paper.trading);
    t.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'mft-paper-backtest', MemorySize: 2048, Timeout: 900, Architectures: ['arm64'] });
    t.hasResourceProperties('AWS::S3::Bucket', { PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true } });
    t.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'mft-paper' });
  });

  it('cdk-nag AwsSolutions: no unacknowledged finding (each acknowledgement is justified in code)', () => {
    for (const s of [paper.state, paper.trading, live.state, live.trading]) {
      const r = new AwsSolutionsChecks(app).validateScope(s) as { violations?: Array<{ ruleName: string }> };
      expect((r.violations ?? []).map((v) => `${s.stackName}: ${v.ruleName}`)).toEqual([]);
    }
  });
});

describe('bundles', () => {
  it('functions ship the pinned AWS SDK inside their bundle (not the runtime copy)', async () => {
    const { readFileSync } = await import('node:fs');
    const src = readFileSync('lib/constructs/lambdaDefaults.ts', 'utf8');
    expect(src).toMatch(/externalModules: \[\]/);
  });
});

describe('every stage synthesizes offline', () => {
  it('one Mft-<stage> per deployable config stage, no deprecated-API warning', () => {
    const stages = readdirSync('config/stages').filter((f) => f.endsWith('.yaml')).map((f) => loadConfig(`config/stages/${f}`).config).filter((c) => c.stage.exchange !== 'emulator');
    expect(stages.map((c) => c.stage.name).sort()).toEqual(['live', 'paper']);
    const a = new App();
    const built = stages.map((c) => new MftStage(a, `Mft-${c.stage.name}`, c, { env }));
    for (const st of built) {
      for (const s of [st.state, st.trading]) {
        const warnings = Annotations.fromStack(s).findWarning('*', Match.anyValue()).map((w) => JSON.stringify(w.entry.data));
        expect(warnings.filter((w) => /deprecat/i.test(w))).toEqual([]);
      }
      expect(st.synth().stacks.length).toBe(2);
    }
  });
});
