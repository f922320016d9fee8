import * as z from 'zod';
import type { TradingConfig } from '../functions/core/types.ts';

const positive = z.number().positive();
const nonNegative = z.number().min(0);
const period = z.number().int().min(1);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00-23:59)');
export const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d'] as const;

const MarketSchema = z.object({ tick: positive, step: positive, min_notional: positive }).strict();

/** Spec section 2 defaults. */
export const StrategyParamsSchema = z
  .object({
    ema_fast: period.default(20),
    ema_slow: period.default(50),
    atr_period: period.default(14),
    adx_period: period.default(14),
    adx_min: nonNegative.max(100).default(20),
    breakout_bars: period.default(20),
    tp_atr: positive.default(1.25),
    sl_atr: positive.default(0.9),
    min_atr_pct: nonNegative.default(0.0015),
    cooldown_bars: z.number().int().min(0).default(3),
    max_hold_bars: period.default(48),
  })
  .strict();

export const StageSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,11}$/, 'must be 1-12 chars [a-z0-9-] starting with a letter (it goes into 36-char client order ids)'),
    region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, 'must be an AWS region like ap-northeast-1').default('ap-northeast-1'),
    exchange: z.enum(['emulator', 'demo', 'live']),
    leverage: z.number().int().min(1).max(20).default(1),
    margin_type: z.enum(['CROSSED', 'ISOLATED']).default('CROSSED'),
    bot_id: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/).optional(),
  })
  .strict();

/** Spec section 0: one file per stage; every key validated, unknown keys rejected. */
export const ConfigSchema = z
  .object({
    stage: StageSchema.default({ name: 'local', region: 'ap-northeast-1', exchange: 'emulator', leverage: 1, margin_type: 'CROSSED' }),
    symbols: z.array(z.string().regex(/^[A-Z0-9]{2,20}$/, 'must be a Binance symbol like BTCUSDT')).min(1).default(['BTCUSDT']),
    timeframe: z.enum(TIMEFRAMES).default('5m'),
    capital_usd: positive.default(10_000),
    strategy: z
      .object({ name: z.literal('trending_v3').default('trending_v3'), params: StrategyParamsSchema.default(StrategyParamsSchema.parse({})) })
      .strict()
      .default({ name: 'trending_v3', params: StrategyParamsSchema.parse({}) }),
    risk: z
      .object({
        max_position_usd: positive.default(500),
        max_total_exposure_usd: positive.default(1500),
        max_daily_loss_usd: positive.default(100),
        max_trades_per_day: z.number().int().min(1).default(10),
        max_concurrent_positions: z.number().int().min(1).default(3),
        trading_hours: z.object({ start: hhmm.default('00:00'), end: hhmm.default('23:59') }).strict().default({ start: '00:00', end: '23:59' }),
      })
      .strict()
      .default({
        max_position_usd: 500,
        max_total_exposure_usd: 1500,
        max_daily_loss_usd: 100,
        max_trades_per_day: 10,
        max_concurrent_positions: 3,
        trading_hours: { start: '00:00', end: '23:59' },
      }),
    sizing: z.object({ notional_usd: positive.optional() }).strict().default({}),
    costs: z
      .object({
        fee_bps: nonNegative.default(4),
        spread_bps: nonNegative.default(2),
        slippage_bps: nonNegative.default(1),
        funding_rate_8h: z.number().min(-0.05).max(0.05).default(0.0001),
      })
      .strict()
      .default({ fee_bps: 4, spread_bps: 2, slippage_bps: 1, funding_rate_8h: 0.0001 }),
    latency: z
      .object({
        fill_delay_ms: z.tuple([nonNegative, nonNegative]).default([50, 200]),
        max_bar_age_ms: positive.default(20_000),
        seed: z.number().int().default(1),
      })
      .strict()
      .default({ fill_delay_ms: [50, 200], max_bar_age_ms: 20_000, seed: 1 }),
    halt: z.boolean().default(false),
    markets: z.record(z.string(), MarketSchema).default({
      BTCUSDT: { tick: 0.1, step: 0.001, min_notional: 100 },
      ETHUSDT: { tick: 0.01, step: 0.001, min_notional: 20 },
      SOLUSDT: { tick: 0.01, step: 1, min_notional: 5 },
    }),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const [i, s] of c.symbols.entries()) {
      if (!c.markets[s]) ctx.addIssue({ code: 'custom', path: ['symbols', i], input: s, message: `${s} has no entry in markets (tick, step, min_notional)` });
    }
    const p = c.strategy.params;
    if (p.ema_fast >= p.ema_slow) ctx.addIssue({ code: 'custom', path: ['strategy', 'params', 'ema_fast'], input: p.ema_fast, message: `must be < ema_slow (${p.ema_slow})` });
    if (c.risk.max_position_usd > c.risk.max_total_exposure_usd) {
      ctx.addIssue({ code: 'custom', path: ['risk', 'max_position_usd'], input: c.risk.max_position_usd, message: `must be <= max_total_exposure_usd (${c.risk.max_total_exposure_usd})` });
    }
    if (c.risk.max_daily_loss_usd >= c.capital_usd) {
      ctx.addIssue({ code: 'custom', path: ['risk', 'max_daily_loss_usd'], input: c.risk.max_daily_loss_usd, message: `must be < capital_usd (${c.capital_usd})` });
    }
    const [lo, hi] = c.latency.fill_delay_ms;
    if (lo > hi) ctx.addIssue({ code: 'custom', path: ['latency', 'fill_delay_ms'], input: c.latency.fill_delay_ms, message: 'must be [low, high] with low <= high' });
  });

export type AppConfig = z.output<typeof ConfigSchema>;

// Compile-time proof that the parsed config is what the pure core consumes.
const _coreView = (c: AppConfig): TradingConfig => c;
void _coreView;
