import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { FileKillSwitch } from '../../functions/adapters/local/fileKillSwitch.ts';
import { MemoryStateStore } from '../../functions/adapters/local/memoryStateStore.ts';
import { verifyChain } from '../../functions/app/auditChain.ts';
import { diffTrades, formatParity } from '../../functions/app/parity.ts';
import { replay } from '../../functions/app/replay.ts';
import { runBacktest } from '../../functions/core/engine/runBacktest.ts';
import { syntheticMarket } from '../../functions/core/market/synthetic.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { config } = parseConfig({});
const s = syntheticMarket({ seed: 42, bars: 1500 });

async function run(faults: string, seed: number) {
  const store = new MemoryStateStore();
  const r = await replay({ cfg: config, configHash: 'h', codeVersion: 't', series: s, store, killSwitch: new FileKillSwitch(join(mkdtempSync(join(tmpdir(), 'ks-')), 'halt')), notifier: { notify: async () => undefined }, faults, seed });
  return { r, audit: await store.readAudit() };
}

describe('replay through the emulator with faults', () => {
  it('timeouts after accept, 5xx, 429 and a WebSocket drop: no duplicate order, every outcome audited, trades equal the backtest', async () => {
    const { r, audit } = await run('timeout@POST:/fapi/v1/order%0.3,timeout@POST:/fapi/v1/algoOrder%0.2,status=503@klines%0.05,status=502@positionRisk%0.05,ratelimit@userTrades%0.05,wsdrop@klines#50', 11);
    const st = r.exchange;
    expect(st.byStatus['0']).toBeGreaterThan(5); // replies lost after the order executed
    expect(st.byStatus['429']).toBeGreaterThan(5);
    expect((st.byStatus['503'] ?? 0) + (st.byStatus['502'] ?? 0)).toBeGreaterThan(5);
    expect(st.duplicates).toEqual([]);
    expect(formatParity(diffTrades(runBacktest({ cfg: config, series: [s] }).trades, r.trades))).toMatch(/^PARITY OK/);
    expect(verifyChain(audit).ok).toBe(true);
    // every request whose reply was lost is followed by a lookup that found the order
    const recs = audit.map((c) => c.record as { type: string; clientOrderId?: string; result?: string });
    const unknown = recs.filter((x) => x.type === 'order_reply' && x.result === 'unknown').map((x) => x.clientOrderId);
    expect(unknown.length).toBeGreaterThan(5);
    expect(recs.filter((x) => x.type === 'order_reply').length).toBe(recs.filter((x) => x.type === 'order_request').length);
  }, 120_000);

  it('an order the exchange definitively rejects (-2019 margin) is reported with its code and the parity diff says why', async () => {
    const { r } = await run('reject=-2019@POST:/fapi/v1/order#1', 1);
    expect(r.rejected).toEqual([expect.objectContaining({ code: -2019 })]);
    expect(r.rejected[0]!.clientOrderId).toMatch(/-en$/);
    const v = diffTrades(runBacktest({ cfg: config, series: [s] }).trades, r.trades);
    expect(v.equal).toBe(false);
  }, 120_000);
});
