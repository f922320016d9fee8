import type { KillSwitchMode } from '../core/types.ts';

/**
 * The remote halt (DESIGN section 2 step 2): SSM `/mft/<stage>/halt` on AWS, a file locally.
 * `read` throws when the value cannot be read; the caller fails closed (treat as `halt` + alarm).
 */
export interface KillSwitch {
  read(): Promise<KillSwitchMode>;
  write(mode: KillSwitchMode): Promise<void>;
}
