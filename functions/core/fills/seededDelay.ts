/**
 * Seeded fill-delay generator (spec section 0: `latency.fill_delay_ms` drawn from a seeded generator;
 * with 5m bars it moves only audit timestamps). mulberry32: tiny, fast, good enough for jitter.
 */
export class SeededDelay {
  private s: number;
  constructor(
    seed: number,
    private readonly lo: number,
    private readonly hi: number,
  ) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.round(this.lo + u * (this.hi - this.lo));
  }
}
