import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  close(): Promise<void>;
}

/**
 * dynalite in-process on a free loopback port: the real DynamoDB wire protocol with conditional
 * writes (dynalite 4 has no TransactWriteItems/TransactGetItems), in memory or persisted under `path`
 * (the local stage uses .mft/dynamo).
 */
export async function startDynalite(path?: string): Promise<LocalDynamo> {
  const dynalite = require('dynalite') as (o: Record<string, unknown>) => import('node:http').Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
