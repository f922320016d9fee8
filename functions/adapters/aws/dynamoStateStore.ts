import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ChainedRecord } from '../../app/auditChain.ts';
import type { EngineState } from '../../core/portfolio/engineState.ts';
import { InvariantError } from '../../core/errors.ts';
import { ConcurrencyError, type BarClaim, type DayRecord, type OrderRecord, type StateStore, type StoredState } from '../../ports/stateStore.ts';
import { parseAuditItem, parseBarClaim, parseDayItem, parseOrder, parseStoredState } from './stateItems.ts';

/** Bounded so one commit stays one parallel round trip (a bar writes ~10-20 records). */
export const MAX_AUDIT_PER_COMMIT = 1000;
const BAR_TTL_S = 400 * 86_400;

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
export const sk = {
  state: 'STATE',
  bar: (openTime: number): string => `BAR#${pad(openTime, 13)}`,
  order: (id: string): string => `ORDER#${id}`,
  audit: (seq: number): string => `AUDIT#${pad(seq, 12)}`,
  day: (d: string): string => `DAY#${d}`,
};

/**
 * StateStore + audit log on one DynamoDB table per stage (DESIGN section 4): PK `BOT#<botId>`,
 * SK STATE | BAR#<openTime> | ORDER#<id> | AUDIT#<seq> | DAY#<date>. Every write is a single-item
 * conditional write (see the StateStore port for the crash-safe ordering): the state on its
 * version; claims (with their intents), orders and audit records on attribute_not_exists.
 * State and audit payloads are stored as JSON strings so floats round-trip bit for bit.
 */
export class DynamoStateStore implements StateStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly pk: string;
  constructor(
    client: DynamoDBClient,
    private readonly table: string,
    botId: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.pk = `BOT#${botId}`;
  }

  async load(): Promise<StoredState | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { PK: this.pk, SK: sk.state }, ConsistentRead: true }));
    return r.Item ? parseStoredState(r.Item) : null;
  }

  async loadForBar(openTime: number): Promise<{ state: StoredState | null; claim: BarClaim | null }> {
    const keys = [
      { PK: this.pk, SK: sk.state },
      { PK: this.pk, SK: sk.bar(openTime) },
    ];
    let items: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = keys;
    // BatchGetItem may return some keys unprocessed (throttling): ask again for those only.
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= 5) throw new InvariantError('BatchGetItem left keys unprocessed after 5 attempts', 'keys', pending.length);
      const r = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }));
      items = items.concat(r.Responses?.[this.table] ?? []);
      pending = (r.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
    const state = items.find((i) => i.SK === sk.state);
    const bar = items.find((i) => i.SK === sk.bar(openTime));
    return { state: state ? parseStoredState(state) : null, claim: bar ? parseBarClaim(bar) : null };
  }

  async claim(claim: BarClaim): Promise<'claimed' | 'duplicate'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            PK: this.pk,
            SK: sk.bar(claim.openTime),
            openTime: claim.openTime,
            claimedAt: claim.claimedAt,
            by: claim.by,
            intents: JSON.stringify(claim.intents),
            expiresAt: Math.floor(claim.claimedAt / 1000) + BAR_TTL_S,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return 'claimed';
    } catch (err) {
      if (isConditionFailure(err)) return 'duplicate';
      throw err;
    }
  }

  async getBar(openTime: number): Promise<BarClaim | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { PK: this.pk, SK: sk.bar(openTime) }, ConsistentRead: true }));
    return r.Item ? parseBarClaim(r.Item) : null;
  }

  async commit(next: StoredState, expectedVersion: number | null, audit: readonly ChainedRecord[], days: readonly DayRecord[] = []): Promise<void> {
    if (audit.length > MAX_AUDIT_PER_COMMIT) throw new InvariantError('too many audit records for one commit', 'audit.length', audit.length);
    if (expectedVersion !== null && next.version !== expectedVersion + 1) throw new InvariantError('next version must be expected + 1', 'version', next.version);
    // One item per commit holds its audit records (each still hash-chained on its own): one write
    // instead of one per record. The key is the first record's seq; commits start where the state's
    // auditSeq says, so a second writer of the same records collides on the key.
    const block = audit.length
      ? [
          this.doc.send(
            new PutCommand({
              TableName: this.table,
              Item: { PK: this.pk, SK: sk.audit(audit[0]!.seq), seq: audit[0]!.seq, count: audit.length, records: JSON.stringify(audit) },
              ConditionExpression: 'attribute_not_exists(PK)',
            }),
          ),
        ]
      : [];
    const results = await Promise.allSettled([
      ...block,
      ...days.map((d) =>
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: { PK: this.pk, SK: sk.day(d.day), day: d.day, lastBarOpenTime: d.lastBarOpenTime, auditSeq: d.auditSeq, state: JSON.stringify(d.state) },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        ),
      ),
    ]);
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') continue;
      if (i >= block.length && isConditionFailure(r.reason)) continue; // the day's snapshot is already there: first write wins
      if (i < block.length && isConditionFailure(r.reason)) throw new ConcurrencyError('audit record already exists', 'audit.seq', audit[0]!.seq, { cause: r.reason });
      throw r.reason;
    }
    const stateItem = {
      PK: this.pk,
      SK: sk.state,
      version: next.version,
      lastBarOpenTime: next.lastBarOpenTime,
      auditSeq: next.auditSeq,
      auditHead: next.auditHead,
      updatedAt: next.updatedAt,
      state: JSON.stringify(next.state),
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: stateItem,
          ConditionExpression: expectedVersion === null ? 'attribute_not_exists(PK)' : 'version = :v',
          ...(expectedVersion === null ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new ConcurrencyError('state was changed by another writer', 'version', expectedVersion, { cause: err });
      throw err;
    }
  }

  async getOrder(clientOrderId: string): Promise<OrderRecord | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { PK: this.pk, SK: sk.order(clientOrderId) }, ConsistentRead: true }));
    return r.Item ? parseOrder(r.Item) : null;
  }

  async putOrder(order: OrderRecord): Promise<'created' | 'exists'> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: { PK: this.pk, SK: sk.order(order.clientOrderId), ...order }, ConditionExpression: 'attribute_not_exists(PK)' }));
      return 'created';
    } catch (err) {
      if (isConditionFailure(err)) return 'exists';
      throw err;
    }
  }

  async updateOrder(order: OrderRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { PK: this.pk, SK: sk.order(order.clientOrderId), ...order }, ConditionExpression: 'attribute_exists(PK)' }));
  }

  async listOrders(): Promise<OrderRecord[]> {
    return (await this.queryPrefix('ORDER#')).map(parseOrder);
  }

  async readAudit(fromSeq = 0, limit = Number.MAX_SAFE_INTEGER): Promise<ChainedRecord[]> {
    const out: ChainedRecord[] = [];
    let start: Record<string, unknown> | undefined;
    // Items hold one commit's records each: start at the item that contains `fromSeq`.
    let firstKey = sk.audit(fromSeq);
    if (fromSeq > 0) {
      const back = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':pk': this.pk, ':a': 'AUDIT#', ':b': sk.audit(fromSeq) },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const k = back.Items?.[0]?.SK;
      if (typeof k === 'string') firstKey = k;
    }
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':pk': this.pk, ':a': firstKey, ':b': 'AUDIT#~' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
          Limit: Math.min(1000, limit - out.length),
        }),
      );
      for (const it of r.Items ?? []) for (const c of parseAuditItem(it)) if (c.seq >= fromSeq && out.length < limit) out.push(c);
      start = r.LastEvaluatedKey;
    } while (start && out.length < limit);
    return out;
  }

  async getDay(day: string): Promise<DayRecord | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { PK: this.pk, SK: sk.day(day) }, ConsistentRead: true }));
    return r.Item ? parseDayItem(r.Item) : null;
  }

  private async queryPrefix(prefix: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
          ExpressionAttributeValues: { ':pk': this.pk, ':p': prefix },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

export type { EngineState };
