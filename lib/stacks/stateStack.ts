import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, CfnTable, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

export interface StateStackProps extends StackProps {
  stage: string;
}

/**
 * The stateful part (DESIGN section 4): one DynamoDB table per stage, on-demand, PITR, deletion
 * protection, retained on stack deletion, logical ID pinned so a refactor can never replace it,
 * TTL on `expiresAt` (bar claims expire after 400 days). The stack is termination-protected.
 */
export class StateStack extends Stack {
  readonly table: Table;
  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id, { ...props, terminationProtection: true });
    this.table = new Table(this, 'Table', {
      tableName: `mft-${props.stage}`,
      partitionKey: { name: 'PK', type: AttributeType.STRING },
      sortKey: { name: 'SK', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: 'expiresAt',
      encryption: TableEncryption.AWS_MANAGED,
    });
    (this.table.node.defaultChild as CfnTable).overrideLogicalId('MftStateTable');
  }
}
