import { GetParameterCommand, PutParameterCommand, SSMClient, ParameterNotFound } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SsmKillSwitch } from '../../functions/adapters/aws/ssmKillSwitch.ts';
import { FileKillSwitch, KillSwitchValueError } from '../../functions/adapters/local/fileKillSwitch.ts';
import type { KillSwitch } from '../../functions/ports/killSwitch.ts';

const ssmMock = mockClient(SSMClient);
afterEach(() => ssmMock.reset());

/** The KillSwitch contract, run against the SSM and the file implementation. */
function contract(name: string, make: () => { ks: KillSwitch; setRaw: (v: string) => void }): void {
  describe(`KillSwitch contract: ${name}`, () => {
    it('writes and reads back every mode', async () => {
      const { ks } = make();
      for (const m of ['halt', 'flatten', 'off'] as const) {
        await ks.write(m);
        expect(await ks.read()).toBe(m);
      }
    });
    it('rejects an unknown value (the caller fails closed)', async () => {
      const { ks, setRaw } = make();
      setRaw('stop please');
      await expect(ks.read()).rejects.toBeInstanceOf(KillSwitchValueError);
      await expect(ks.read()).rejects.toThrow(/"stop please".*allowed: off \| halt \| flatten/);
    });
    it('tolerates surrounding whitespace', async () => {
      const { ks, setRaw } = make();
      setRaw(' halt\n');
      expect(await ks.read()).toBe('halt');
    });
  });
}

contract('SSM parameter', () => {
  let value = 'off';
  ssmMock.on(GetParameterCommand, { Name: '/mft/paper/halt' }).callsFake(() => ({ Parameter: { Name: '/mft/paper/halt', Value: value } }));
  ssmMock.on(PutParameterCommand).callsFake((input: { Value: string }) => {
    value = input.Value;
    return { Version: 2 };
  });
  return { ks: new SsmKillSwitch(new SSMClient({ region: 'ap-northeast-1' }), '/mft/paper/halt'), setRaw: (v) => (value = v) };
});

contract('local file', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'ks-')), 'halt');
  return { ks: new FileKillSwitch(path), setRaw: (v) => writeFileSync(path, v) };
});

describe('KillSwitch specifics', () => {
  it('SSM: reads without cache on every call and sends the parameter name', async () => {
    const values = ['off', 'halt'];
    ssmMock.on(GetParameterCommand).callsFake(() => ({ Parameter: { Value: values.shift() } }));
    const ks = new SsmKillSwitch(new SSMClient({ region: 'ap-northeast-1' }), '/mft/live/halt');
    expect(await ks.read()).toBe('off');
    expect(await ks.read()).toBe('halt');
    expect(ssmMock.commandCalls(GetParameterCommand).map((c) => c.args[0].input.Name)).toEqual(['/mft/live/halt', '/mft/live/halt']);
  });
  it('SSM: a missing parameter is an error, not "off"', async () => {
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    await expect(new SsmKillSwitch(new SSMClient({ region: 'ap-northeast-1' }), '/mft/x/halt').read()).rejects.toThrow(ParameterNotFound);
  });
  it('file: a missing file means off (the local stage starts trading)', async () => {
    expect(await new FileKillSwitch(join(tmpdir(), 'mft-no-such-dir', 'halt')).read()).toBe('off');
  });
});
