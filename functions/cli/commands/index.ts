import type { Command } from 'commander';

/** Each CLI command lives in its own file and registers itself here (one line each). */
export type Register = (program: Command) => void;

export const commands: Array<() => Promise<{ register: Register }>> = [
  // keep alphabetical
  () => import('./audit.ts'),
  () => import('./backtest.ts'),
  () => import('./data.ts'),
  () => import('./emulator.ts'),
  () => import('./halt.ts'),
  () => import('./invoke.ts'),
  () => import('./replay.ts'),
  () => import('./report.ts'),
  () => import('./start.ts'),
  () => import('./sweep.ts'),
  () => import('./validate.ts'),
];
