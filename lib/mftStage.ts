import { Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config/schema.ts';
import { StateStack } from './stacks/stateStack.ts';
import { TradingStack } from './stacks/tradingStack.ts';

/** One deployable stage `Mft-<stage>`: the state stack and the trading stack. */
export class MftStage extends Stage {
  readonly state: StateStack;
  readonly trading: TradingStack;
  constructor(scope: Construct, id: string, cfg: AppConfig, props: StageProps = {}) {
    super(scope, id, props);
    const stage = cfg.stage.name;
    this.state = new StateStack(this, 'State', { stage, description: `MFT ${stage}: state (DynamoDB)` });
    this.trading = new TradingStack(this, 'Trading', {
      stage,
      timeframe: cfg.timeframe,
      maxDailyLossUsd: cfg.risk.max_daily_loss_usd,
      config: cfg,
      table: this.state.table,
      initialHalt: cfg.stage.exchange === 'live' ? 'halt' : 'off',
      description: `MFT ${stage}: bar-close trader, kill switch, alerting`,
    });
  }
}
