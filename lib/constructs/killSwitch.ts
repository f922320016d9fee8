import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

/** SSM String parameter `/mft/<stage>/halt` (off | halt | flatten). Live starts halted: an operator turns it on. */
export class KillSwitch extends Construct {
  readonly parameter: StringParameter;
  constructor(scope: Construct, id: string, props: { stage: string; initial: 'off' | 'halt' }) {
    super(scope, id);
    this.parameter = new StringParameter(this, 'Halt', {
      parameterName: `/mft/${props.stage}/halt`,
      stringValue: props.initial,
      description: 'MFT kill switch: off | halt (no entries, stops kept) | flatten (close everything, then halt)',
      allowedPattern: '^(off|halt|flatten)$',
    });
  }
}
