import * as z from 'zod';

/** EventBridge scheduled event (the rule fires one minute before each bar close). */
export const ScheduledEventSchema = z.object({
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  time: z.string().datetime(),
  id: z.string().optional(),
  resources: z.array(z.string()).optional(),
});

/** SSM Parameter Store change event for /mft/<stage>/halt. */
export const SsmChangeEventSchema = z.object({
  'detail-type': z.literal('Parameter Store Change'),
  source: z.literal('aws.ssm'),
  time: z.string().datetime(),
  detail: z.object({ name: z.string(), operation: z.string(), type: z.string().optional() }),
});

export type BarCloseEvent = { kind: 'scheduled'; time: number; id: string } | { kind: 'halt_changed'; time: number; name: string };

export function parseBarCloseEvent(e: unknown): { ok: true; event: BarCloseEvent } | { ok: false; issues: string[] } {
  const s = ScheduledEventSchema.safeParse(e);
  if (s.success) return { ok: true, event: { kind: 'scheduled', time: Date.parse(s.data.time), id: s.data.id ?? '' } };
  const c = SsmChangeEventSchema.safeParse(e);
  if (c.success) return { ok: true, event: { kind: 'halt_changed', time: Date.parse(c.data.time), name: c.data.detail.name } };
  return { ok: false, issues: s.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`) };
}
