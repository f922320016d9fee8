import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { KillSwitchMode } from '../../core/types.ts';
import type { KillSwitch } from '../../ports/killSwitch.ts';
import { parseKillSwitchValue } from '../local/fileKillSwitch.ts';

/** SSM String parameter `/mft/<stage>/halt`, read on every invocation (no cache) - DESIGN section 2 step 2. */
export class SsmKillSwitch implements KillSwitch {
  constructor(
    private readonly ssm: SSMClient,
    readonly name: string,
  ) {}

  async read(): Promise<KillSwitchMode> {
    const r = await this.ssm.send(new GetParameterCommand({ Name: this.name }));
    return parseKillSwitchValue(r.Parameter?.Value, this.name);
  }

  async write(mode: KillSwitchMode): Promise<void> {
    await this.ssm.send(new PutParameterCommand({ Name: this.name, Value: mode, Type: 'String', Overwrite: true }));
  }
}
