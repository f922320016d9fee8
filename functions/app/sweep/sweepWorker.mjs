// Worker-thread entry of `mft sweep`: registers tsx (as functions/cli/bin.mjs does) so the
// TypeScript worker runs as-is, in the CLI and under vitest alike.
import { register } from 'tsx/esm/api';

register();
await import('./sweepWorker.ts');
