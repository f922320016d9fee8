import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { startDynalite } from '../../functions/adapters/local/dynalite.ts';
import { localReplayJob } from '../../functions/app/localReplayJob.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';

const mft = (...args: string[]) => spawnSync('node', ['functions/cli/bin.mjs', ...args], { encoding: 'utf8' });

describe('mft audit / status / halt on the local stage', () => {
  it('verify passes after a replay, then names the first broken link after tampering; export writes the chain', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mft-home-'));
    const { config, hash } = loadConfig('config/stages/local.yaml');
    const r = await localReplayJob({ cfg: config, configHash: hash, codeVersion: 'test', series: syntheticMarket({ seed: 5, bars: 300 }), home });
    expect(r.parity.equal).toBe(true);
    const ok = mft('audit', 'verify', '--stage', 'local', '--home', home);
    expect(ok.stdout).toMatch(/^OK: \d+ records/);
    expect(ok.status).toBe(0);
    const out = join(home, 'audit.jsonl');
    expect(mft('audit', 'export', '--stage', 'local', '--home', home, '--out', out).status).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBe(r.auditRecords);
    expect(JSON.parse(lines[0]!).record.type).toBe('run_start');

    // tamper with one stored record (change a price inside the 10th audit item)
    const db = await startDynalite(join(home, 'dynamo'));
    const q = await db.client.send(new QueryCommand({ TableName: 'mft-local', KeyConditionExpression: 'PK = :p AND begins_with(SK, :a)', ExpressionAttributeValues: { ':p': { S: 'BOT#local-trending_v3' }, ':a': { S: 'AUDIT#' } } }));
    const item = q.Items![10]!;
    const recs = JSON.parse(item.records!.S!) as Array<{ seq: number; record: Record<string, unknown> }>;
    recs[0]!.record = { ...recs[0]!.record, tampered: true };
    await db.client.send(new PutItemCommand({ TableName: 'mft-local', Item: { ...item, records: { S: JSON.stringify(recs) } } }));
    await db.close();
    const bad = mft('audit', 'verify', '--stage', 'local', '--home', home);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe(`BROKEN at seq ${recs[0]!.seq}: hash does not match the record (tampered)\n`);

    const st = mft('status', '--stage', 'local', '--home', home);
    expect(st.stdout).toContain('kill switch     off');
    expect(st.stdout).toMatch(/last bar\s+2025-01-02T00:55:00.000Z/);
    expect(mft('halt', '--stage', 'local', '--home', home).stdout).toContain('kill switch = halt');
    expect(mft('status', '--stage', 'local', '--home', home).stdout).toContain('kill switch     halt');
    expect(mft('resume', '--stage', 'local', '--home', home).stdout).toContain('kill switch = off');
  });
});
