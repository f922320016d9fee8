/** Wall or virtual time. Core never reads a clock; app code asks this port. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
