import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as Unit, MetricsSink } from '../../ports/metrics.ts';

const UNITS: Record<Unit, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  Milliseconds: MetricUnit.Milliseconds,
  Count: MetricUnit.Count,
  None: MetricUnit.NoUnit,
};

/**
 * CloudWatch metrics as EMF log lines (Powertools Metrics): no PutMetricData call on the hot path.
 * Dimensioned points (GateRejections by rule) go out as their own EMF blobs.
 * `flush()` at the end of every invocation.
 */
export class PowertoolsMetricsSink implements MetricsSink {
  readonly metrics: Metrics;
  constructor(namespace: string, stage: string) {
    this.metrics = new Metrics({ namespace, serviceName: `mft-${stage}`, defaultDimensions: { stage } });
  }

  put(name: string, value: number, unit: Unit, dimensions?: Record<string, string>): void {
    if (dimensions && Object.keys(dimensions).length) {
      const single = this.metrics.singleMetric();
      for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
      single.addMetric(name, UNITS[unit], value);
      return;
    }
    this.metrics.addMetric(name, UNITS[unit], value);
  }

  flush(): void {
    this.metrics.publishStoredMetrics();
  }
}
