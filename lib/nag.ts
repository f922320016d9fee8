import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** cdk-nag v3 acknowledgements: each one carries its justification, in code, next to the resource. */
export function acknowledge(scope: IConstruct, findings: Array<{ id: string; reason: string }>): void {
  for (const f of findings) Validations.of(scope).acknowledge(f);
}
