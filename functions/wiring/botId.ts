import type { AppConfig } from '../../config/schema.ts';

/** Names shared by the stack, the functions and the CLI (kept apart from stageStore, which pulls in dynalite). */
export const tableName = (stage: string): string => `mft-${stage}`;
export const botId = (cfg: AppConfig): string => cfg.stage.bot_id ?? `${cfg.stage.name}-${cfg.strategy.name}`;
export const haltParameter = (stage: string): string => `/mft/${stage}/halt`;
