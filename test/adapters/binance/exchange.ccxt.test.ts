import { emulatorFixture } from '../../support/emulatorFixture.ts';
import { exchangeContract } from '../exchange.contract.ts';

exchangeContract('ccxt binanceusdm -> emulator (HTTP)', async (series, cfg, clock) => {
  const f = await emulatorFixture([series], cfg, clock);
  return { exchange: f.exchange, done: f.close };
});
