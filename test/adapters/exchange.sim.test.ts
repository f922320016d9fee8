import { SimExchange } from '../../functions/adapters/local/simExchange.ts';
import { exchangeContract } from './exchange.contract.ts';

exchangeContract('SimExchange (in-process Venue)', async (series, cfg, clock) => ({
  exchange: new SimExchange([series], cfg.markets, cfg.costs, clock, cfg.capital_usd),
  done: async () => undefined,
}));
