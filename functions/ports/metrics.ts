export type MetricUnit = 'Milliseconds' | 'Count' | 'None';

/** CloudWatch EMF on AWS (Powertools Metrics); a recorder locally. */
export interface MetricsSink {
  put(name: string, value: number, unit: MetricUnit, dimensions?: Record<string, string>): void;
  /** Write out what was buffered (EMF); called by the handler at the end of every invocation. */
  flush?(): void;
}

export class RecordingMetrics implements MetricsSink {
  readonly points: Array<{ name: string; value: number; unit: MetricUnit; dimensions?: Record<string, string> | undefined }> = [];
  put(name: string, value: number, unit: MetricUnit, dimensions?: Record<string, string>): void {
    this.points.push({ name, value, unit, dimensions });
  }
  values(name: string): number[] {
    return this.points.filter((p) => p.name === name).map((p) => p.value);
  }
}
