import type { BarSeries } from '../core/market/bar.ts';
import type { CostsConfig, MarketFilters } from '../core/types.ts';
import type { Clock } from '../ports/clock.ts';
import { symbolSpec, type SymbolSpec } from './symbolSpec.ts';
import { Venue, type VenueOptions } from './venue.ts';

export interface VenueConfig {
  series: readonly BarSeries[];
  /** The config's exchange filters per symbol (tick, step, min notional): the ones the venue enforces. */
  markets: Readonly<Record<string, MarketFilters>>;
  costs: CostsConfig;
  clock: Clock;
  /** Funding per symbol and time (a funding file); missing -> the config's `funding_rate_8h`. */
  funding?: (symbol: string, time: number) => number | undefined;
  specOverrides?: Readonly<Record<string, Partial<SymbolSpec>>>;
  accounts?: ReadonlyArray<{ key: string; secret: string; balance: number }>;
  options?: Pick<VenueOptions, 'childClientId' | 'duplicateIdScope' | 'defaultLeverage'>;
}

/** A Venue for the config's symbols with the spec's cost model and funding. */
export function createVenue(c: VenueConfig): Venue {
  const specs: Record<string, SymbolSpec> = {};
  for (const s of c.series) {
    const f = c.markets[s.symbol];
    if (!f) throw new Error(`createVenue: no market filters for ${s.symbol} in the config`);
    specs[s.symbol] = symbolSpec(s.symbol, f, c.specOverrides?.[s.symbol]);
  }
  const v = new Venue({
    series: c.series,
    specs,
    costs: c.costs,
    clock: c.clock,
    fundingRate: (symbol, t) => c.funding?.(symbol, t) ?? c.costs.funding_rate_8h,
    ...c.options,
  });
  for (const a of c.accounts ?? []) v.addAccount(a.key, a.secret, a.balance);
  return v;
}
