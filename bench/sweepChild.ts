/**
 * One 1-worker sweep in its own process (a bench section 8 baseline): prints its elapsed ms. Two of
 * these at once, against one alone, show how far fully independent sweeps scale on this machine (no
 * shared process, heap or thread pool; each still has its own JIT and GC threads, which a lone
 * 1-worker sweep runs on the idle core).
 */
import '../functions/wiring/engineRuntime.ts';
import { existsSync } from 'node:fs';
import { parseConfig } from '../config/load.ts';
import { loadCandles } from '../functions/adapters/local/candles.ts';
import { parseGrid } from '../functions/app/sweep/grid.ts';
import { runSweep } from '../functions/app/sweep/runSweep.ts';
import { sliceSeries } from '../functions/core/market/bar.ts';
import { syntheticMarket } from '../functions/core/market/synthetic.ts';

const [file, grid] = process.argv.slice(2) as [string, string];
const { config } = parseConfig({});
const all = existsSync(file) ? loadCandles(file).series : syntheticMarket({ seed: 7, bars: 119_724 });
const year = sliceSeries(all, 0, Math.min(all.length, 365 * 288));
const r = await runSweep({ base: config, grid: parseGrid(grid, config), series: year, workers: 1 });
process.stdout.write(`${r.elapsedMs}\n`);
