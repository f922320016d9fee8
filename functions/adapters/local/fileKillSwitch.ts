import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KillSwitchMode } from '../../core/types.ts';
import type { KillSwitch } from '../../ports/killSwitch.ts';

export class KillSwitchValueError extends Error {
  override readonly name = 'KillSwitchValueError';
  constructor(
    readonly source: string,
    readonly value: unknown,
  ) {
    super(`kill switch ${source} holds ${JSON.stringify(value)}; allowed: off | halt | flatten`);
  }
}

/** Strict: anything but off | halt | flatten is an error (the caller fails closed to `halt`). */
export function parseKillSwitchValue(v: unknown, source: string): KillSwitchMode {
  const s = typeof v === 'string' ? v.trim() : v;
  if (s === 'off' || s === 'halt' || s === 'flatten') return s;
  throw new KillSwitchValueError(source, v);
}

/** The local stage's kill switch: a text file (default `.mft/halt`); a missing file means `off`. */
export class FileKillSwitch implements KillSwitch {
  constructor(readonly path: string) {}

  async read(): Promise<KillSwitchMode> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'off';
      throw err;
    }
    return parseKillSwitchValue(text, this.path);
  }

  async write(mode: KillSwitchMode): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(this.path, `${mode}\n`);
  }
}
