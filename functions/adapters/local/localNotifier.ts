import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Notice, Notifier } from '../../ports/notifier.ts';

/** The local stage's notifier: one JSON line per notice in a file, and a line on stderr for warnings and worse. */
export class LocalNotifier implements Notifier {
  readonly notices: Notice[] = [];
  constructor(
    private readonly path: string,
    private readonly echo = true,
  ) {}
  async notify(n: Notice): Promise<void> {
    this.notices.push(n);
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, JSON.stringify({ at: new Date().toISOString(), ...n }) + '\n');
    if (this.echo && n.severity !== 'info') process.stderr.write(`[${n.severity}] ${n.subject}\n`);
  }
}
