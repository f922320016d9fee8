import { Worker } from 'node:worker_threads';
import { sweepWorkerEntry, workerExecArgv } from './workerBundle.ts';

/**
 * Sweep worker threads kept across sweeps. Each sweep sends its bars and base config first (a
 * `setup` message), so one pool serves sweeps over different data: walk-forward runs one sweep per
 * window, and with a pool its workers start once and stay JIT-warm from one window to the next
 * instead of paying start-up (~0.2 s) and compilation (~0.4 s) again per window.
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
      // a bundle is plain JavaScript: its workers skip the parent's tsx hooks (the tsx fallback needs them)
      this.started ??= sweepWorkerEntry().then((entry) => {
        const options = entry.kind === 'bundle' ? { execArgv: workerExecArgv(process.execArgv) } : {};
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
