import type { Context } from 'aws-lambda';
import { join } from 'node:path';
import { LocalNotifier } from '../../adapters/local/localNotifier.ts';
import { openStage } from '../../wiring/stageStore.ts';
import { makeDailyReportHandler, type DailyReportResponse } from '../daily-report.ts';

/**
 * `mft invoke daily-report <event>` on this machine: the same handler over the local stage's dynalite
 * (<MFT_HOME>/dynamo, written by `npm start` / `mft replay`) and the local notifier. The database is
 * opened and closed per call: a one-shot CLI invocation must not keep it locked.
 */
export async function handler(event: unknown, ctx?: Context): Promise<DailyReportResponse> {
  const home = process.env.MFT_HOME ?? '.mft';
  const st = await openStage('local', home);
  try {
    return await makeDailyReportHandler(async () => ({ cfg: st.cfg, store: st.store, notifier: new LocalNotifier(join(home, 'notifications.jsonl'), false) }))(event, ctx);
  } finally {
    await st.close();
  }
}
