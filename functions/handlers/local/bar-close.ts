import { makeBarCloseHandler } from '../bar-close.ts';
import { localBarCloseDeps } from '../../wiring/localBarCloseDeps.ts';

/** `mft invoke bar-close <event>` on this machine: one dry-run bar on the embedded market (see localBarCloseDeps). */
export const handler = makeBarCloseHandler(async () => localBarCloseDeps());
