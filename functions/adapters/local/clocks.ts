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

/**
 * Emulated time running `speed` times faster than the wall clock from `start` (the emulator's
 * `--speed`): now = start + (wall - wall0) * speed; sleeping `ms` emulated takes ms / speed.
 */
export class ScaledClock implements Clock {
  private readonly wall0: number;
  constructor(
    private readonly start: number,
    readonly speed: number,
    private readonly wall: () => number = Date.now,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`ScaledClock: speed must be a positive number, got ${speed}`);
    this.wall0 = wall();
  }
  now(): number {
    return Math.floor(this.start + (this.wall() - this.wall0) * this.speed);
  }
  sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, Math.max(0, ms / this.speed)));
  }
}
