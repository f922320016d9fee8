import type { Context } from 'aws-lambda';
import { flattenOnHalt, type FlattenOutcome } from '../app/flattenOnHalt.ts';
import { appendAudit } from '../app/appendAudit.ts';
import { runBarClose, type BarCloseDeps, type BarCloseOutcome } from '../app/runBarClose.ts';
import { parseBarCloseEvent } from './barCloseEvent.ts';

export type DepsFactory = () => Promise<BarCloseDeps>;

export type BarCloseResponse =
  | { ok: true; outcome: BarCloseOutcome | ({ kind: 'halt_changed' } & FlattenOutcome) }
  | { ok: false; error: string; issues?: string[] };

/**
 * The bar-close Lambda: zod-parse the event (scheduled bar close, or SSM halt change), build deps
 * once per container, call the app. Anything else is an audited rejection and never trades.
 */
export function makeBarCloseHandler(factory: DepsFactory): (event: unknown, context?: Pick<Context, 'awsRequestId'>) => Promise<BarCloseResponse> {
  let deps: Promise<BarCloseDeps> | undefined;
  return async (event, context) => {
    const parsed = parseBarCloseEvent(event);
    // Built once per container; a failed build (e.g. secrets unreadable) is retried next time.
    deps ??= factory().catch((err: unknown) => {
      deps = undefined;
      throw err;
    });
    const d = await deps;
    if (!parsed.ok) {
      await d.notifier.notify({ severity: 'warning', subject: 'bar-close: rejected an unknown event', text: parsed.issues.join('\n') });
      d.metrics.put('RejectedEvents', 1, 'Count');
      await appendAudit(d.store, [{ type: 'event_rejected', time: d.clock.now(), issues: parsed.issues, event: JSON.stringify(event).slice(0, 2000) }], d.clock.now());
      d.metrics.flush?.();
      return { ok: false, error: 'invalid_event', issues: parsed.issues };
    }
    const e = parsed.event;
    try {
      if (e.kind === 'halt_changed') {
        const r = await flattenOnHalt(d, context?.awsRequestId ?? `local-${e.time}`);
        return { ok: true, outcome: { kind: 'halt_changed', ...r } };
      }
      const outcome = await runBarClose(d, { eventTime: e.time, requestId: context?.awsRequestId ?? `local-${e.time}` });
      return { ok: true, outcome };
    } catch (err) {
      // Thrown (an exchange reply that fails its schema, a store failure...): audited and alarmed
      // when the store still answers, then rethrown so the invocation fails and is retried.
      const x = err instanceof Error ? err : new Error(String(err));
      d.metrics.put('InvocationErrors', 1, 'Count');
      await appendAudit(d.store, [{ type: 'error', time: e.time, step: 'bar_close', error: x.name, message: x.message.slice(0, 2000), field: (x as { field?: unknown }).field ?? null }], d.clock.now()).catch(() => false);
      await d.notifier.notify({ severity: 'critical', subject: `bar-close failed: ${x.name}`, text: x.message.slice(0, 3000) }).catch(() => undefined);
      throw err;
    } finally {
      d.metrics.flush?.();
    }
  };
}

/**
 * AWS entry point: DynamoDB, SSM, Secrets Manager, Binance via ccxt (functions/wiring/awsDeps.ts).
 * The local variant that `mft invoke bar-close` runs is functions/handlers/local/bar-close.ts.
 */
export const handler = makeBarCloseHandler(async () => {
  const { awsBarCloseDeps } = await import('../wiring/awsDeps.ts');
  return awsBarCloseDeps();
});
