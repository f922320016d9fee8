import { CfnSecret, Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

/**
 * `mft/<stage>/binance` ({"apiKey","secret"}) and `mft/<stage>/telegram` ({"botToken","chatId"}),
 * created EMPTY: the values are set by the user (docs/runbook.md), never by the stack or in git.
 */
export class StageSecrets extends Construct {
  readonly binance: ISecret;
  readonly telegram: ISecret;
  constructor(scope: Construct, id: string, props: { stage: string }) {
    super(scope, id);
    const make = (name: string, what: string): ISecret => {
      // CfnSecret without SecretString/GenerateSecretString creates an empty secret (a CDK Secret would generate one).
      const cfn = new CfnSecret(this, name, { name: `mft/${props.stage}/${name}`, description: `MFT ${props.stage}: ${what} (set by the operator)` });
      acknowledge(cfn, [{ id: 'AwsSolutions-SMG4', reason: 'Exchange API keys and the Telegram bot token are issued by third parties (Binance, Telegram) and cannot be rotated by a Lambda; rotation is a runbook step.' }]);
      return Secret.fromSecretCompleteArn(this, `${name}Ref`, cfn.ref);
    };
    this.binance = make('binance', 'Binance API key and secret');
    this.telegram = make('telegram', 'Telegram bot token and chat id');
  }
}
