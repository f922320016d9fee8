import { Worker } from 'node:worker_threads';
import { sweepWorkerEntry } from './workerBundle.ts';

/**
 * Sweep worker threads kept across sweeps. Each sweep sends its bars and funding first (a `setup`
 * message; combinations come with their configs resolved), so one pool serves sweeps over different
 * data: walk-forward runs one sweep per window, and with a pool its workers start once and stay
 * JIT-warm from one window to the next instead of paying start-up (~0.2 s) and compilation (~0.4 s)
 * again per window.
 * Started on first use; `close()` terminates the threads. A worker that crashed (uncaught error)
 * breaks the pool: later sweeps on it are refused.
 */
export class SweepPool {
  private started: Promise<Worker[]> | null = null;
  private broken: Error | null = null;
  private busy = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`sweep pool size: expected an integer >= 1, got ${size}`);
  }

  /** The pool's threads, for one sweep at a time (`release` when done). */
  async acquire(): Promise<Worker[]> {
    if (this.broken) throw new Error(`sweep pool unusable after a worker failed: ${this.broken.message}`, { cause: this.broken });
    if (this.busy) throw new Error('sweep pool is running another sweep');
    this.busy = true;
    try {
      // A bundle is plain JavaScript: its workers start with no Node options rather than inheriting
      // the parent's. Under `node --import tsx` (the bench, npx tsx) every worker otherwise set up
      // tsx's loader hooks first, ~100 ms each (module evaluated 164-274 ms after the sweep started,
      // 78-128 ms without). Process-wide options (V8 flags, --expose-gc, heap limits) reach worker
      // threads anyway and may not be passed to them. The tsx fallback entry needs the hooks.
      this.started ??= sweepWorkerEntry().then((entry) => {
        const options = entry.kind === 'bundle' ? { execArgv: [] } : {};
        return Array.from({ length: this.size }, () => new Worker(entry.url, options));
      });
      return await this.started;
    } catch (err) {
      this.busy = false;
      throw err;
    }
  }

  release(failure?: Error): void {
    this.busy = false;
    if (failure) this.broken ??= failure;
  }

  async close(): Promise<void> {
    const started = this.started;
    this.started = null;
    if (started) await Promise.all((await started).map((w) => w.terminate()));
  }
}
