import { afterEach, describe, expect, it, vi } from 'vitest';
import { PowertoolsMetricsSink } from '../../functions/adapters/aws/powertoolsMetrics.ts';
import { barCloseLogger, correlate } from '../../functions/adapters/aws/powertoolsLogger.ts';

afterEach(() => vi.restoreAllMocks());

/** Powertools writes EMF / JSON lines to stdout through console. */
function captureStdout(): string[] {
  const lines: string[] = [];
  const grab = (...a: unknown[]) => void lines.push(a.map(String).join(' '));
  vi.spyOn(console, 'log').mockImplementation(grab);
  vi.spyOn(console, 'info').mockImplementation(grab);
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
  return lines;
}

describe('Powertools adapters (AWS observability)', () => {
  it('metrics are EMF: namespace, stage dimension, units, and per-rule GateRejections', () => {
    const lines = captureStdout();
    const m = new PowertoolsMetricsSink('MFT', 'paper');
    m.put('BarCloseToAckMs', 812, 'Milliseconds');
    m.put('Heartbeat', 1, 'Count');
    m.put('GateRejections', 1, 'Count', { rule: 'cooldown' });
    m.flush();
    const emf = lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('_aws')).map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> } });
    const all = emf.flatMap((e) => e._aws.CloudWatchMetrics.flatMap((c) => c.Metrics.map((x) => ({ ns: c.Namespace, dims: c.Dimensions.flat(), name: x.Name, unit: x.Unit, value: e[x.Name], rule: e.rule }))));
    expect(all).toContainEqual({ ns: 'MFT', dims: expect.arrayContaining(['stage']), name: 'BarCloseToAckMs', unit: 'Milliseconds', value: 812, rule: undefined });
    expect(all).toContainEqual(expect.objectContaining({ name: 'Heartbeat', unit: 'Count', value: 1 }));
    expect(all).toContainEqual(expect.objectContaining({ name: 'GateRejections', dims: expect.arrayContaining(['rule']), rule: 'cooldown' }));
  });

  it('logs are JSON with the bar open time as correlation id', () => {
    const lines = captureStdout();
    const log = barCloseLogger('live');
    correlate(log, Date.UTC(2026, 10, 24, 10, 0));
    log.info('decided', { intents: 1 });
    const rec = JSON.parse(lines.find((l) => l.includes('decided'))!) as Record<string, unknown>;
    expect(rec).toMatchObject({ level: 'INFO', message: 'decided', service: 'mft-live-bar-close', correlation_id: '2026-11-24T10:00:00.000Z', intents: 1, stage: 'live' });
  });
});
