import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { DynamoStateStore } from '../adapters/aws/dynamoStateStore.ts';
import { SsmKillSwitch } from '../adapters/aws/ssmKillSwitch.ts';
import { startDynalite } from '../adapters/local/dynalite.ts';
import { FileKillSwitch } from '../adapters/local/fileKillSwitch.ts';
import type { KillSwitch } from '../ports/killSwitch.ts';
import type { StateStore } from '../ports/stateStore.ts';

export interface StageHandles {
  cfg: AppConfig;
  store: StateStore;
  killSwitch: KillSwitch;
  where: string;
  close(): Promise<void>;
}

import { botId, haltParameter, tableName } from './botId.ts';
export { botId, haltParameter, tableName };

/** The operator's view of a stage: local = .mft (dynalite files, halt file); AWS = DynamoDB + SSM. */
export async function openStage(stage: string, home = '.mft'): Promise<StageHandles> {
  const path = `config/stages/${stage}.yaml`;
  if (!existsSync(path)) throw new Error(`no stage '${stage}' (expected ${path})`);
  const { config } = loadConfig(path);
  if (config.stage.exchange === 'emulator') {
    const dir = join(home, 'dynamo');
    if (!existsSync(dir)) throw new Error(`no local state in ${dir}: run \`npm start\` first`);
    const db = await startDynalite(dir);
    return { cfg: config, store: new DynamoStateStore(db.client, tableName(stage), botId(config)), killSwitch: new FileKillSwitch(join(home, 'halt')), where: `${dir} (dynalite), ${join(home, 'halt')}`, close: () => db.close() };
  }
  const region = config.stage.region;
  const ddb = new DynamoDBClient({ region });
  return {
    cfg: config,
    store: new DynamoStateStore(ddb, tableName(stage), botId(config)),
    killSwitch: new SsmKillSwitch(new SSMClient({ region }), haltParameter(stage)),
    where: `DynamoDB ${tableName(stage)} + SSM ${haltParameter(stage)} in ${region}`,
    close: async () => ddb.destroy(),
  };
}
