import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createStateTable } from '../../functions/adapters/aws/createStateTable.ts';
import { DynamoStateStore } from '../../functions/adapters/aws/dynamoStateStore.ts';
import { StoredItemError } from '../../functions/adapters/aws/stateItems.ts';
import { startDynalite, type LocalDynamo } from '../../functions/adapters/local/dynalite.ts';
import { stateStoreContract } from './stateStore.contract.ts';

let db: LocalDynamo;
let n = 0;
beforeAll(async () => {
  db = await startDynalite();
  await createStateTable(db.client, 'mft-test');
});
afterAll(async () => db.close());

// Each case gets its own bot id (partition) in the shared dynalite table.
stateStoreContract('DynamoDB (dynalite, real wire protocol)', async () => ({ store: new DynamoStateStore(db.client, 'mft-test', `bot${++n}`), done: async () => undefined }));

describe('DynamoDB state items', () => {
  it('refuses a state item of an unknown schema version instead of guessing', async () => {
    await db.client.send(
      new PutItemCommand({
        TableName: 'mft-test',
        Item: {
          PK: { S: 'BOT#future' },
          SK: { S: 'STATE' },
          version: { N: '7' },
          lastBarOpenTime: { N: '1' },
          auditSeq: { N: '0' },
          auditHead: { S: '0'.repeat(64) },
          updatedAt: { N: '1' },
          state: { S: JSON.stringify({ schema: 2, capital: 1 }) },
        },
      }),
    );
    const store = new DynamoStateStore(db.client, 'mft-test', 'future');
    await expect(store.load()).rejects.toThrow(StoredItemError);
    await expect(store.load()).rejects.toThrow(/unknown engine state schema version.*state\.schema=2/);
  });
});
