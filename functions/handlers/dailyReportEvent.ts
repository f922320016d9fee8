import * as z from 'zod';
import { isoDay, utcDay } from '../core/market/timeframe.ts';
import { ScheduledEventSchema } from './barCloseEvent.ts';

/** A manual run: `{ "date": "YYYY-MM-DD" }` (the UTC day to report). */
const ManualSchema = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD') }).strict();

/**
 * The daily-report event: the 00:05 UTC scheduled event (reports the UTC day before `time`), or a
 * manual `{ date }`. Anything else: the issues, one line per field.
 */
export function parseDailyReportEvent(e: unknown): { ok: true; day: string } | { ok: false; issues: string[] } {
  const s = ScheduledEventSchema.safeParse(e);
  if (s.success) return { ok: true, day: isoDay(utcDay(Date.parse(s.data.time)) - 1) };
  const m = ManualSchema.safeParse(e);
  if (m.success && Number.isFinite(Date.parse(`${m.data.date}T00:00:00Z`))) return { ok: true, day: m.data.date };
  const issues = m.success ? [`date: ${m.data.date} is not a calendar day`] : m.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`);
  return { ok: false, issues: [...issues, 'expected an EventBridge scheduled event or { "date": "YYYY-MM-DD" }'] };
}
