import * as z from 'zod';

const when = z.union([z.string().min(1), z.number().int().nonnegative()], {
  error: (i) => (i.input === undefined ? 'is required (YYYY-MM-DD, ISO datetime or epoch ms)' : 'must be a date: YYYY-MM-DD, ISO datetime or epoch ms'),
});

export const DataSourceSchema = z.discriminatedUnion(
  'kind',
  [
  z.object({ kind: z.literal('file'), path: z.string().min(1), funding: z.string().min(1).optional(), detail: z.string().min(1).optional() }).strict(),
  z.object({ kind: z.literal('s3'), bucket: z.string().min(3), key: z.string().min(1), fundingKey: z.string().min(1).optional() }).strict(),
  z.object({ kind: z.literal('synthetic'), seed: z.number().int().optional(), bars: z.number().int().min(100).max(2_000_000).optional() }).strict(),
  ],
  { error: (i) => (i.input === undefined ? 'is required' : "must have kind 'file' (path), 's3' (bucket, key) or 'synthetic'") },
);

/** Backtest Lambda event (issue 3 item 6). */
export const BacktestEventSchema = z
  .object({
    config: z.record(z.string(), z.unknown()).optional(),
    symbol: z.string().regex(/^[A-Z0-9]{2,20}$/, 'must be a Binance symbol like BTCUSDT'),
    from: when,
    to: when,
    data: DataSourceSchema,
    /** Return at most this many trades in the response (all are counted). */
    maxTrades: z.number().int().min(0).max(100_000).optional(),
  })
  .strict();

export type BacktestEvent = z.infer<typeof BacktestEventSchema>;
export type DataSource = z.infer<typeof DataSourceSchema>;

/** Parse 'YYYY-MM-DD', an ISO datetime or epoch ms; null when not a valid time. */
export function parseWhen(v: string | number): number | null {
  if (typeof v === 'number') return v;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  return Number.isFinite(t) ? t : null;
}
