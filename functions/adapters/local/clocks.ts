import type { Clock } from '../../ports/clock.ts';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms))),
};

/** A virtual clock for replays and tests: sleeping advances time instantly. */
export class VirtualClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    if (ms > 0) this.t += ms;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
