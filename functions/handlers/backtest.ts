import type { Context } from 'aws-lambda';
import '../wiring/engineRuntime.ts';
import { existsSync } from 'node:fs';
import { parseConfig } from '../../config/load.ts';
import { runBacktestRequest, type BacktestResponse } from '../app/backtestRequest.ts';
import { fetchS3ToTmp } from '../adapters/aws/s3Fetch.ts';
import { BacktestEventSchema, parseWhen } from './backtestEvent.ts';

const CODE_VERSION = process.env.MFT_CODE_VERSION ?? 'local';

/**
 * Backtest Lambda: zod-parse the event, fetch data (file, S3 or the embedded synthetic market),
 * run the shared backtest job. A bad event is an error response naming the field, never a crash.
 */
export async function handler(event: unknown, _context?: Context): Promise<BacktestResponse> {
  const parsed = BacktestEventSchema.safeParse(event);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(event)', message: i.message }));
    return { ok: false, error: { kind: 'invalid_event', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues } };
  }
  const e = parsed.data;
  const from = parseWhen(e.from);
  const to = parseWhen(e.to);
  if (from === null) return { ok: false, error: { kind: 'invalid_event', message: `from: ${JSON.stringify(e.from)} is not a date`, issues: [{ path: 'from', message: 'not a date' }] } };
  if (to === null || to <= from) return { ok: false, error: { kind: 'invalid_event', message: `to: ${JSON.stringify(e.to)} must be a date after from`, issues: [{ path: 'to', message: 'must be a date after from' }] } };
  try {
    let data: string | undefined;
    let funding: string | undefined;
    let detail: string | undefined;
    if (e.data.kind === 'file') {
      for (const [field, p] of [['data.path', e.data.path], ['data.funding', e.data.funding], ['data.detail', e.data.detail]] as const) {
        if (p !== undefined && !existsSync(p)) return { ok: false, error: { kind: 'invalid_event', message: `${field}: no such file ${p}`, issues: [{ path: field, message: 'no such file' }] } };
      }
      data = e.data.path;
      funding = e.data.funding;
      detail = e.data.detail;
    } else if (e.data.kind === 's3') {
      data = await fetchS3ToTmp(e.data.bucket, e.data.key);
      funding = e.data.fundingKey ? await fetchS3ToTmp(e.data.bucket, e.data.fundingKey) : undefined;
    }
    return await runBacktestRequest(
      { config: e.config, symbol: e.symbol, from, to, data, funding, detail, maxTrades: e.maxTrades },
      parseConfig({}).config,
      CODE_VERSION,
    );
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    console.error(JSON.stringify({ level: 'ERROR', message: 'backtest failed', error: msg }));
    return { ok: false, error: { kind: 'internal', message: msg } };
  }
}
