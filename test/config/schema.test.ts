import { describe, expect, it } from 'vitest';
import { applyOverrides, ConfigError, configHash, loadConfig, parseConfig } from '../../config/load.ts';

/** Build a config with one value replaced at a dotted path. */
function withValue(path: string, value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const keys = path.split('.');
  let cur = root;
  keys.slice(0, -1).forEach((k) => (cur = (cur[k] ??= {}) as Record<string, unknown>));
  cur[keys[keys.length - 1]!] = value;
  return root;
}

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message.split('\n').slice(1);
  }
  throw new Error('expected a ConfigError');
}

describe('config schema (spec section 0)', () => {
  it('defaults are the spec values', () => {
    const { config } = parseConfig({});
    expect(config.symbols).toEqual(['BTCUSDT']);
    expect(config.timeframe).toBe('5m');
    expect(config.strategy).toEqual({
      name: 'trending_v3',
      params: { ema_fast: 20, ema_slow: 50, atr_period: 14, adx_period: 14, adx_min: 20, breakout_bars: 20, tp_atr: 1.25, sl_atr: 0.9, min_atr_pct: 0.0015, cooldown_bars: 3, max_hold_bars: 48 },
    });
    expect(config.risk).toEqual({ max_position_usd: 500, max_total_exposure_usd: 1500, max_daily_loss_usd: 100, max_trades_per_day: 10, max_concurrent_positions: 3, trading_hours: { start: '00:00', end: '23:59' } });
    expect(config.costs).toEqual({ fee_bps: 4, spread_bps: 2, slippage_bps: 1, funding_rate_8h: 0.0001 });
    expect(config.latency).toEqual({ fill_delay_ms: [50, 200], max_bar_age_ms: 20_000, seed: 1 });
    expect(config.halt).toBe(false);
    expect(config.markets).toEqual({
      BTCUSDT: { tick: 0.1, step: 0.001, min_notional: 100 },
      ETHUSDT: { tick: 0.01, step: 0.001, min_notional: 20 },
      SOLUSDT: { tick: 0.01, step: 1, min_notional: 5 },
    });
  });

  // Every field, a bad value, and the exact line the user sees.
  const cases: Array<[string, unknown, string]> = [
    ['stage.name', 'Paper Stage', 'stage.name: "Paper Stage" is not allowed, must be 1-12 chars [a-z0-9-] starting with a letter (it goes into 36-char client order ids)'],
    ['stage.region', 'tokyo', 'stage.region: "tokyo" is not allowed, must be an AWS region like ap-northeast-1'],
    ['stage.exchange', 'testnet', 'stage.exchange: "testnet" is not allowed, must be one of emulator, demo, live'],
    ['stage.leverage', 25, 'stage.leverage: 25 is not allowed, must be <= 20'],
    ['stage.margin_type', 'cross', 'stage.margin_type: "cross" is not allowed, must be one of CROSSED, ISOLATED'],
    ['symbols', [], 'symbols: [] is not allowed, must be >= 1 items'],
    ['symbols', ['btcusdt'], 'symbols.0: "btcusdt" is not allowed, must be a Binance symbol like BTCUSDT'],
    ['timeframe', '7x', 'timeframe: "7x" is not allowed, must be one of 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d'],
    ['capital_usd', 0, 'capital_usd: 0 is not allowed, must be > 0'],
    ['strategy.name', 'trending_v2', 'strategy.name: "trending_v2" is not allowed, must be one of trending_v3'],
    ['strategy.params.ema_fast', 0, 'strategy.params.ema_fast: 0 is not allowed, must be >= 1'],
    ['strategy.params.ema_slow', 2.5, 'strategy.params.ema_slow: 2.5 is not allowed, must be an integer'],
    ['strategy.params.atr_period', -1, 'strategy.params.atr_period: -1 is not allowed, must be >= 1'],
    ['strategy.params.adx_period', 0, 'strategy.params.adx_period: 0 is not allowed, must be >= 1'],
    ['strategy.params.adx_min', 101, 'strategy.params.adx_min: 101 is not allowed, must be <= 100'],
    ['strategy.params.breakout_bars', 0, 'strategy.params.breakout_bars: 0 is not allowed, must be >= 1'],
    ['strategy.params.tp_atr', 0, 'strategy.params.tp_atr: 0 is not allowed, must be > 0'],
    ['strategy.params.sl_atr', -0.9, 'strategy.params.sl_atr: -0.9 is not allowed, must be > 0'],
    ['strategy.params.min_atr_pct', -0.001, 'strategy.params.min_atr_pct: -0.001 is not allowed, must be >= 0'],
    ['strategy.params.cooldown_bars', -1, 'strategy.params.cooldown_bars: -1 is not allowed, must be >= 0'],
    ['strategy.params.max_hold_bars', 0, 'strategy.params.max_hold_bars: 0 is not allowed, must be >= 1'],
    ['risk.max_position_usd', 0, 'risk.max_position_usd: 0 is not allowed, must be > 0'],
    ['risk.max_total_exposure_usd', -1, 'risk.max_total_exposure_usd: -1 is not allowed, must be > 0'],
    ['risk.max_daily_loss_usd', -5, 'risk.max_daily_loss_usd: -5 is not allowed, must be > 0'],
    ['risk.max_trades_per_day', 0, 'risk.max_trades_per_day: 0 is not allowed, must be >= 1'],
    ['risk.max_concurrent_positions', 1.5, 'risk.max_concurrent_positions: 1.5 is not allowed, must be an integer'],
    ['risk.trading_hours.start', '24:00', 'risk.trading_hours.start: "24:00" is not allowed, must be HH:MM (00:00-23:59)'],
    ['risk.trading_hours.end', '9:00', 'risk.trading_hours.end: "9:00" is not allowed, must be HH:MM (00:00-23:59)'],
    ['sizing.notional_usd', 0, 'sizing.notional_usd: 0 is not allowed, must be > 0'],
    ['costs.fee_bps', -4, 'costs.fee_bps: -4 is not allowed, must be >= 0'],
    ['costs.spread_bps', 'two', 'costs.spread_bps: "two" is not allowed, must be a number'],
    ['costs.slippage_bps', -1, 'costs.slippage_bps: -1 is not allowed, must be >= 0'],
    ['costs.funding_rate_8h', 0.5, 'costs.funding_rate_8h: 0.5 is not allowed, must be <= 0.05'],
    ['latency.fill_delay_ms', [50], 'latency.fill_delay_ms: [50] is not allowed, must be >= 2 items'],
    ['latency.max_bar_age_ms', 0, 'latency.max_bar_age_ms: 0 is not allowed, must be > 0'],
    ['latency.seed', 1.5, 'latency.seed: 1.5 is not allowed, must be an integer'],
    ['halt', 'yes', 'halt: "yes" is not allowed, must be a boolean'],
    ['markets.BTCUSDT.tick', 0, 'markets.BTCUSDT.tick: 0 is not allowed, must be > 0'],
    ['markets.BTCUSDT.step', -0.001, 'markets.BTCUSDT.step: -0.001 is not allowed, must be > 0'],
    ['markets.BTCUSDT.min_notional', 0, 'markets.BTCUSDT.min_notional: 0 is not allowed, must be > 0'],
  ];
  it.each(cases)('rejects %s = %j with one clear line', (path, value, line) => {
    const raw = withValue(path, value);
    if (path.startsWith('markets.')) (raw.markets as Record<string, Record<string, unknown>>).BTCUSDT = { tick: 0.1, step: 0.001, min_notional: 100, ...(raw.markets as Record<string, Record<string, unknown>>).BTCUSDT };
    expect(problems(raw)).toContain(line);
  });

  it('rejects unknown keys at every level', () => {
    const p = problems({ foo: 1, risk: { max_dayly_loss_usd: 5 }, strategy: { params: { ema_fats: 3 } }, costs: { fees: 1 }, markets: { BTCUSDT: { tick: 0.1, step: 0.001, min_notional: 100, lot: 1 } } });
    expect(p).toEqual(expect.arrayContaining(['foo: unknown key', 'risk.max_dayly_loss_usd: unknown key', 'strategy.params.ema_fats: unknown key', 'costs.fees: unknown key', 'markets.BTCUSDT.lot: unknown key']));
  });

  it('reports one line per problem, all at once', () => {
    const p = problems({ capital_usd: -1, risk: { max_daily_loss_usd: -5 }, timeframe: '7x' });
    expect(p).toHaveLength(3);
  });

  it('cross-field rules', () => {
    expect(problems({ strategy: { params: { ema_fast: 50, ema_slow: 50 } } })).toEqual(['strategy.params.ema_fast: 50 is not allowed, must be < ema_slow (50)']);
    expect(problems({ symbols: ['DOGEUSDT'] })).toEqual(['symbols.0: "DOGEUSDT" is not allowed, DOGEUSDT has no entry in markets (tick, step, min_notional)']);
    expect(problems({ risk: { max_position_usd: 2000 } })).toEqual(['risk.max_position_usd: 2000 is not allowed, must be <= max_total_exposure_usd (1500)']);
    expect(problems({ capital_usd: 50 })).toEqual(['risk.max_daily_loss_usd: 100 is not allowed, must be < capital_usd (50)']);
    expect(problems({ latency: { fill_delay_ms: [200, 50] } })).toEqual(['latency.fill_delay_ms: [200,50] is not allowed, must be [low, high] with low <= high']);
  });

  it('loads the three stage files; live has the small-live limits', () => {
    const local = loadConfig('config/stages/local.yaml').config;
    const paper = loadConfig('config/stages/paper.yaml').config;
    const live = loadConfig('config/stages/live.yaml').config;
    expect([local.stage.exchange, paper.stage.exchange, live.stage.exchange]).toEqual(['emulator', 'demo', 'live']);
    expect(live.capital_usd).toBe(500);
    expect(live.risk.max_position_usd).toBe(100);
    expect(live.risk.max_daily_loss_usd).toBe(20);
  });

  it('names the file in a YAML error', () => {
    expect(() => loadConfig('config/stages/nope.yaml')).toThrow(/invalid config config\/stages\/nope.yaml/);
  });

  it('freezes the resolved config', () => {
    const { config } = parseConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.strategy.params)).toBe(true);
    expect(() => {
      (config.risk as { max_position_usd: number }).max_position_usd = 1e9;
    }).toThrow(TypeError);
  });

  it('hash: stable under key order, changes with any value, excludes secrets', () => {
    const a = parseConfig({ capital_usd: 1000, risk: { max_daily_loss_usd: 50 } }).hash;
    const b = parseConfig({ risk: { max_daily_loss_usd: 50 }, capital_usd: 1000 }).hash;
    const c = parseConfig({ capital_usd: 1001, risk: { max_daily_loss_usd: 50 } }).hash;
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    // secrets never enter the hash: keys like api_key / secret / token / password are dropped at any depth
    const { config } = parseConfig({});
    const withSecrets = { ...config, stage: { ...config.stage, api_key: 'AKIA123', nested: { botToken: 'x', password: 'p' } }, telegram_secret: 's' };
    const withOtherSecrets = { ...config, stage: { ...config.stage, api_key: 'OTHER', nested: { botToken: 'y', password: 'q' } }, telegram_secret: 't' };
    expect(configHash(withSecrets)).toBe(configHash(withOtherSecrets));
    expect(configHash({ ...config, stage: { ...config.stage, nested: {} } })).toBe(configHash(withSecrets));
    expect(configHash({ ...config, capital_usd: 1 })).not.toBe(configHash(config));
  });

  it('hash: computed when read (a sweep validates a config per combination and reads none), the same value as configHash, kept by spread and JSON', () => {
    const loaded = parseConfig({ capital_usd: 1000 });
    expect(loaded.hash).toBe(configHash(loaded.config));
    expect(loaded.hash).toBe(loaded.hash);
    expect({ ...loaded }.hash).toBe(configHash(loaded.config));
    expect((JSON.parse(JSON.stringify(loaded)) as { hash: string }).hash).toBe(configHash(loaded.config));
    const same = applyOverrides(loaded.config, undefined);
    expect(same.config).toBe(loaded.config);
    expect(same.hash).toBe(loaded.hash);
    expect(applyOverrides(loaded.config, { capital_usd: 2000 }).hash).toBe(configHash({ ...loaded.config, capital_usd: 2000 }));
  });

  it('overrides merge deeply and are re-validated', () => {
    const base = parseConfig({}).config;
    const { config } = applyOverrides(base, { risk: { max_position_usd: 200 }, strategy: { params: { tp_atr: 2 } } });
    expect(config.risk.max_position_usd).toBe(200);
    expect(config.risk.max_daily_loss_usd).toBe(100);
    expect(config.strategy.params.tp_atr).toBe(2);
    expect(config.strategy.params.sl_atr).toBe(0.9);
    expect(() => applyOverrides(base, { risk: { max_position_usd: -1 } })).toThrow(/risk.max_position_usd: -1 is not allowed, must be > 0/);
  });
});
