#!/usr/bin/env node
// Launcher for the `mft` CLI: registers tsx so the TypeScript sources run as-is (no build step),
// then hands over to main.ts.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
