import * as z from 'zod';
import { FieldError } from '../../core/errors.ts';
import type { ChainedRecord } from '../../app/auditChain.ts';
import { reviveIndicatorState } from '../../core/indicators/indicatorState.ts';
import type { EngineState } from '../../core/portfolio/engineState.ts';
import type { BarClaim, DayRecord, OrderRecord, StoredState } from '../../ports/stateStore.ts';

/** A stored item that is not what this code version writes: never guessed at, never overwritten. */
export class StoredItemError extends FieldError {
  override readonly name = 'StoredItemError';
}

const num = z.number();
const side = z.union([z.literal(1), z.literal(-1)]);
const regime = z.enum(['warmup', 'quiet', 'trend_up', 'trend_down', 'range']);

const IndicatorStateSchema = z
  .object({
    t: num,
    prevHigh: num,
    prevLow: num,
    prevClose: num,
    emaFast: num,
    emaSlow: num,
    atr: num,
    sTr: num,
    sPdm: num,
    sMdm: num,
    plusDi: num,
    minusDi: num,
    dx: num,
    adx: num,
    hh: z.array(num),
    ll: z.array(num),
    ringPos: num,
    ringFilled: num,
    hhMax: num,
    llMin: num,
    hhValid: num,
    llValid: num,
  })
  .strict();

const PositionSchema = z
  .object({
    side,
    qty: num,
    entryPrice: num,
    entryTime: num,
    entryBar: num,
    entryFee: num,
    funding: num,
    tp: num,
    sl: num,
    atr: num,
    regime,
    signalTime: num,
  })
  .strict();

const PendingSchema = z
  .object({ side, qty: num, signalTime: num, atr: num, regime, clientOrderId: z.string(), notional: num })
  .strict();

/** Engine state schema 1 (functions/core/portfolio/engineState.ts). */
export const EngineStateSchema = z
  .object({
    schema: z.literal(1),
    capital: num,
    realized: num,
    equity: num,
    day: num.nullable(),
    dayStartEquity: num,
    haltDay: num.nullable(),
    tradesDay: num.nullable(),
    tradesCount: num,
    tradeSeq: num,
    symbols: z.array(
      z
        .object({
          symbol: z.string(),
          ind: IndicatorStateSchema,
          lastOpenTime: num,
          lastClose: num,
          position: PositionSchema.nullable(),
          pending: PendingSchema.nullable(),
          scheduledExit: z.enum(['time', 'daily_loss', 'flatten']).nullable(),
          lastExitBar: num.nullable(),
        })
        .strict(),
    ),
  })
  .strict();

export function parseEngineStateJson(json: string): EngineState {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new StoredItemError('state is not valid JSON', 'state', json.slice(0, 80), { cause: err });
  }
  const schema = (raw as { schema?: unknown } | null)?.schema;
  if (schema !== 1) throw new StoredItemError('unknown engine state schema version (written by another code version?)', 'state.schema', schema);
  const r = EngineStateSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new StoredItemError(`stored engine state does not match schema 1: ${i.message}`, `state.${i.path.join('.')}`, undefined, { cause: r.error });
  }
  const st = r.data as EngineState;
  for (const s of st.symbols) s.ind = reviveIndicatorState(s.ind);
  return st;
}

const StateItemSchema = z.object({
  version: num.int().nonnegative(),
  lastBarOpenTime: num.nullable(),
  auditSeq: num.int().nonnegative(),
  auditHead: z.string().regex(/^[0-9a-f]{64}$/),
  updatedAt: num,
  state: z.string(),
});

export function parseStoredState(item: Record<string, unknown>): StoredState {
  const r = StateItemSchema.safeParse(item);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new StoredItemError(`STATE item is malformed: ${i.message}`, i.path.join('.'), undefined, { cause: r.error });
  }
  return { ...r.data, state: parseEngineStateJson(r.data.state) };
}

const OrderSchema = z.object({
  clientOrderId: z.string(),
  symbol: z.string(),
  kind: z.enum(['entry', 'exit', 'sl', 'tp']),
  side: z.enum(['buy', 'sell']),
  qty: num,
  barOpenTime: num,
  status: z.enum(['intent', 'sent', 'acked', 'filled', 'rejected', 'canceled', 'unknown']),
  triggerPrice: num.optional(),
  exchangeId: z.string().optional(),
  avgPrice: num.optional(),
  fee: num.optional(),
  filledAt: num.optional(),
  error: z.string().optional(),
  updatedAt: num,
});

export function parseOrder(item: Record<string, unknown>): OrderRecord {
  const r = OrderSchema.safeParse(item);
  if (!r.success) throw new StoredItemError(`ORDER item is malformed: ${r.error.issues[0]!.message}`, String(item.SK), undefined, { cause: r.error });
  return r.data;
}

const ChainedSchema = z.array(z.object({ seq: num.int(), prevHash: z.string(), hash: z.string(), record: z.unknown() }));

/** An AUDIT item: the hash-chained records of one commit. */
export function parseAuditItem(item: Record<string, unknown>): ChainedRecord[] {
  const r = z.object({ seq: num.int(), count: num.int(), records: z.string() }).safeParse(item);
  if (!r.success) throw new StoredItemError('AUDIT item is malformed', String(item.SK), undefined, { cause: r.error });
  const recs = ChainedSchema.safeParse(JSON.parse(r.data.records));
  if (!recs.success || recs.data.length !== r.data.count) throw new StoredItemError('AUDIT item records are malformed', String(item.SK), r.data.count);
  return recs.data as ChainedRecord[];
}

export function parseBarClaim(item: Record<string, unknown>): BarClaim {
  const r = z.object({ openTime: num, claimedAt: num, by: z.string(), intents: z.string() }).safeParse(item);
  if (!r.success) throw new StoredItemError('BAR item is malformed', String(item.SK), undefined, { cause: r.error });
  const intents = (JSON.parse(r.data.intents) as unknown[]).map((o) => parseOrder(o as Record<string, unknown>));
  return { openTime: r.data.openTime, claimedAt: r.data.claimedAt, by: r.data.by, intents };
}

/** A DAY item: the start-of-day snapshot the daily report re-runs from. */
export function parseDayItem(item: Record<string, unknown>): DayRecord {
  const r = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), lastBarOpenTime: num, auditSeq: num.int().nonnegative(), state: z.string() }).safeParse(item);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new StoredItemError(`DAY item is malformed: ${i.message}`, `${String(item.SK)}.${i.path.join('.')}`, undefined, { cause: r.error });
  }
  return { day: r.data.day, lastBarOpenTime: r.data.lastBarOpenTime, auditSeq: r.data.auditSeq, state: parseEngineStateJson(r.data.state) };
}
