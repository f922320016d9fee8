import type { Context } from 'aws-lambda';
import { dailyReport, formatDailyReport, type DailyReport } from '../app/dailyReport.ts';
import type { AppConfig } from '../../config/schema.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { StateStore } from '../ports/stateStore.ts';
import { parseDailyReportEvent } from './dailyReportEvent.ts';

export interface DailyReportDeps {
  cfg: AppConfig;
  store: StateStore;
  notifier: Notifier;
}

export type DailyReportResponse =
  | { ok: true; day: string; parity: DailyReport['parity']['status']; trades: number; text: string }
  | { ok: false; error: string; issues?: string[] };

/**
 * The daily-report Lambda (00:05 UTC): yesterday's report from the store, sent through SNS to
 * Telegram. Severity: warning when parity differs or anything halted, else info. A bad event is an
 * error response naming the field.
 */
export function makeDailyReportHandler(factory: () => Promise<DailyReportDeps>): (event: unknown, context?: Pick<Context, 'awsRequestId'>) => Promise<DailyReportResponse> {
  let deps: Promise<DailyReportDeps> | undefined;
  return async (event) => {
    const parsed = parseDailyReportEvent(event);
    if (!parsed.ok) return { ok: false, error: 'invalid_event', issues: parsed.issues };
    deps ??= factory().catch((err: unknown) => {
      deps = undefined;
      throw err;
    });
    const d = await deps;
    const r = await dailyReport({ cfg: d.cfg, store: d.store, day: parsed.day });
    const text = formatDailyReport(r);
    const worry = r.parity.status === 'differs' || r.events.length > 0 || r.bars.missing.length > 0;
    const net = r.pnl.realized ?? r.pnl.tradePnl;
    await d.notifier.notify({ severity: worry ? 'warning' : 'info', subject: `mft ${r.stage} ${r.day}: ${r.trades.length} trades, ${net >= 0 ? '+' : ''}${net.toFixed(2)} USD, parity ${r.parity.status}`, text });
    return { ok: true, day: r.day, parity: r.parity.status, trades: r.trades.length, text };
  };
}

/**
 * AWS entry point (MFT_STAGE, MFT_TABLE, MFT_ALERT_TOPIC_ARN, MFT_CONFIG set by the stack):
 * DynamoDB + SNS, no exchange client (functions/wiring/awsReportDeps.ts). The local variant that
 * `mft invoke daily-report` runs is functions/handlers/local/daily-report.ts (kept out of this bundle).
 */
export const handler = makeDailyReportHandler(async () => {
  const { awsReportDeps } = await import('../wiring/awsReportDeps.ts');
  return awsReportDeps();
});
