import * as z from 'zod';

/**
 * zod schemas of the raw Binance replies (ccxt's `info`) the adapter relies on: spec
 * binance-usdm-api sections 4.1, 5.3, 6.1, 6.7 and 7.3. ccxt's unified fields are convenient but lossy
 * (algo statuses, closePosition, the signed position), so the adapter reads Binance's own fields and
 * fails loudly, naming the field, when a reply is not what it expects.
 */
const numStr = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const x = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(x)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return x;
});
const idStr = z.union([z.string(), z.number()]).transform(String);

export const FilterSchema = z.looseObject({ filterType: z.string() });
export const SymbolInfoSchema = z.looseObject({
  symbol: z.string(),
  status: z.string(),
  contractType: z.string(),
  marginAsset: z.string(),
  filters: z.array(z.looseObject({ filterType: z.string(), tickSize: numStr.optional(), stepSize: numStr.optional(), minQty: numStr.optional(), notional: numStr.optional(), minNotional: numStr.optional() })),
  orderTypes: z.array(z.string()),
});

export const RegularOrderSchema = z.looseObject({
  orderId: idStr,
  clientOrderId: z.string(),
  symbol: z.string(),
  status: z.enum(['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED', 'EXPIRED_IN_MATCH', 'REJECTED']),
  side: z.enum(['BUY', 'SELL']),
  type: z.string(),
  origQty: numStr,
  executedQty: numStr,
  avgPrice: numStr,
  reduceOnly: z.boolean(),
  closePosition: z.boolean().optional(),
  stopPrice: numStr.optional(),
  time: z.number().optional(),
  updateTime: z.number(),
});

export const AlgoOrderSchema = z.looseObject({
  algoId: idStr,
  clientAlgoId: z.string(),
  orderType: z.string(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  quantity: numStr,
  algoStatus: z.enum(['NEW', 'TRIGGERING', 'TRIGGERED', 'FINISHED', 'CANCELED', 'EXPIRED', 'REJECTED']),
  triggerPrice: numStr,
  closePosition: z.boolean(),
  reduceOnly: z.boolean(),
  actualOrderId: idStr.optional(),
  actualPrice: numStr.optional(),
  createTime: z.number(),
  updateTime: z.number(),
});

export const TradeSchema = z.looseObject({
  id: idStr,
  orderId: idStr,
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  price: numStr,
  qty: numStr,
  commission: numStr,
  commissionAsset: z.string(),
  time: z.number(),
});

export const PositionRiskSchema = z.looseObject({
  symbol: z.string(),
  positionSide: z.string(),
  positionAmt: numStr,
  entryPrice: numStr,
});

export const BalanceSchema = z.looseObject({
  assets: z.array(z.looseObject({ asset: z.string(), marginBalance: numStr, availableBalance: numStr })),
});

export class ReplyShapeError extends Error {
  override readonly name = 'ReplyShapeError';
  constructor(
    readonly what: string,
    readonly reply: unknown,
    options: { cause: unknown },
  ) {
    const issues = options.cause instanceof z.ZodError ? options.cause.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') : String(options.cause);
    super(`unexpected Binance ${what} reply: ${issues}`, options);
  }
}

export function parseReply<T extends z.ZodType>(schema: T, what: string, reply: unknown): z.output<T> {
  const r = schema.safeParse(reply);
  if (!r.success) throw new ReplyShapeError(what, reply, { cause: r.error });
  return r.data;
}
