import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { VirtualClock } from '../adapters/local/clocks.ts';
import { FileKillSwitch } from '../adapters/local/fileKillSwitch.ts';
import { LocalNotifier } from '../adapters/local/localNotifier.ts';
import { MemoryStateStore } from '../adapters/local/memoryStateStore.ts';
import { SimExchange } from '../adapters/local/simExchange.ts';
import type { BarCloseDeps } from '../app/runBarClose.ts';
import { defaultMarket } from '../core/market/synthetic.ts';
import { RecordingMetrics } from '../ports/metrics.ts';

/**
 * `mft invoke bar-close <event>` on this machine: one dry-run invocation of the real handler for the
 * bar of `event.time` on the embedded synthetic market (2025-01-01 to 2025-03-02): a fresh in-memory
 * state (warm-up from the kline history), the in-process exchange, a virtual clock that sleeps
 * instantly, the kill switch file `<MFT_HOME>/halt`. The persisted `.mft` replay state is left alone:
 * its exchange lived in the replay's process.
 */
export function localBarCloseDeps(env: Record<string, string | undefined> = process.env): BarCloseDeps {
  const { config: cfg, hash } = loadConfig('config/stages/local.yaml');
  const series = defaultMarket();
  const clock = new VirtualClock(series.openTime[0]!);
  const home = env.MFT_HOME ?? '.mft';
  return {
    cfg,
    configHash: hash,
    codeVersion: 'local',
    store: new MemoryStateStore(),
    exchange: new SimExchange([series], cfg.markets, cfg.costs, clock, cfg.capital_usd),
    killSwitch: new FileKillSwitch(join(home, 'halt')),
    clock,
    notifier: new LocalNotifier(join(mkdtempSync(join(tmpdir(), 'mft-invoke-')), 'notifications.jsonl')),
    metrics: new RecordingMetrics(),
  };
}

/** First and last bar-close event times the embedded market can serve (open of bar 2000 .. last bar). */
export function localMarketRange(): { from: number; to: number } {
  const s = defaultMarket();
  return { from: s.openTime[2000]!, to: s.openTime[s.length - 1]! + s.intervalMs };
}
