#!/usr/bin/env node
// Launcher for the `mft` CLI: registers tsx so the TypeScript sources run as-is (no build step),
// then hands over to main.ts.
import { register } from 'tsx/esm/api';

// The pinned AWS SDK announces (once per process) that its 2027 releases need Node 22; the pin is
// deliberate (see README), so the CLI keeps that notice out of the user's report.
const emit = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === 'string' ? warning : warning?.message ?? '';
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || /AWS SDK for JavaScript \(v3\)/.test(text)) return;
  return emit(warning, ...rest);
};

register();
await import('../wiring/engineRuntime.ts');
await import('./main.ts');
