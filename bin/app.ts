import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { MftStage } from '../lib/mftStage.ts';

/**
 * One CDK Stage per config stage (config/stages/*.yaml) except `local` (the emulator stage never
 * deploys): `npx cdk deploy 'Mft-paper/*'`. Account and region come from the CLI environment; the
 * region defaults to the stage's configured one (ap-northeast-1, near Binance). This is the only
 * reader of CDK_DEFAULT_*.
 */
const app = new App();
const dir = join(import.meta.dirname, '..', 'config', 'stages');
for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
  const { config } = loadConfig(join(dir, f));
  if (config.stage.exchange === 'emulator') continue;
  new MftStage(app, `Mft-${config.stage.name}`, config, { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.stage.region ?? process.env.CDK_DEFAULT_REGION } });
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
