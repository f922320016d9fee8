import { FieldError } from '../core/errors.ts';
import type { ChainedRecord } from '../app/auditChain.ts';
import type { EngineState } from '../core/portfolio/engineState.ts';

/** The STATE item (DESIGN section 4): engine state + the audit chain's head, versioned. */
export interface StoredState {
  version: number;
  state: EngineState;
  /** Open time of the last bar folded into `state`; null before warm-up. */
  lastBarOpenTime: number | null;
  /** Next audit sequence number and the hash of the last audit record. */
  auditSeq: number;
  auditHead: string;
  updatedAt: number;
}

export interface BarClaim {
  openTime: number;
  claimedAt: number;
  /** Invocation that claimed it (Lambda request id). */
  by: string;
  /** The bar's order intents, stored with the claim in one conditional write, before any is sent. */
  intents: OrderRecord[];
}

export type OrderStatus = 'intent' | 'sent' | 'acked' | 'filled' | 'rejected' | 'canceled' | 'unknown';

/** ORDER#<clientOrderId>: stored before it is sent (DESIGN section 2 step 5). */
export interface OrderRecord {
  clientOrderId: string;
  symbol: string;
  kind: 'entry' | 'exit' | 'sl' | 'tp';
  side: 'buy' | 'sell';
  qty: number;
  barOpenTime: number;
  status: OrderStatus;
  triggerPrice?: number | undefined;
  exchangeId?: string | undefined;
  avgPrice?: number | undefined;
  fee?: number | undefined;
  filledAt?: number | undefined;
  error?: string | undefined;
  updatedAt: number;
}

/**
 * DAY#<date>: the engine state at the start of a UTC day (after the last bar of the day before),
 * written once by the bar-close run that folds that bar. The daily report re-runs the day's bars
 * through the backtest from it (the parity section) and reads the day's audit from `auditSeq` on.
 */
export interface DayRecord {
  day: string;
  state: EngineState;
  /** Open time of the last bar folded into `state` (the previous day's last bar). */
  lastBarOpenTime: number;
  /** Audit records of the day start at or after this sequence number. */
  auditSeq: number;
}

/** A conditional write lost: another writer changed the item first. */
export class ConcurrencyError extends FieldError {
  override readonly name = 'ConcurrencyError';
}

/**
 * Per-bot state with every write conditional (DESIGN section 4). Only single-item conditional
 * writes are used (dynalite, the local peer, has no transactions), ordered so that a crash at any
 * point loses nothing: `claim` = one conditional put of the bar claim carrying the bar's intents;
 * `commit` = the audit records (each attribute_not_exists, written in parallel), then the state
 * (conditional on the version read). Audit records left by a crash between the two are found by
 * `readAudit(state.auditSeq)` and adopted by the next run: they are true records of what happened.
 */
export interface StateStore {
  load(): Promise<StoredState | null>;
  /**
   * The state and the claim of bar `openTime` (if any), read together (one round trip on DynamoDB):
   * the bar-close run needs both before it decides whether the bar needs a claim at all.
   */
  loadForBar(openTime: number): Promise<{ state: StoredState | null; claim: BarClaim | null }>;
  /** 'duplicate' when the bar was already claimed (EventBridge is at-least-once). */
  claim(claim: BarClaim): Promise<'claimed' | 'duplicate'>;
  getBar(openTime: number): Promise<BarClaim | null>;
  /**
   * `days` are start-of-day snapshots, each written only if absent (a re-run writes the same one).
   * Throws ConcurrencyError when an audit seq is taken or the stored version is not
   * `expectedVersion` (null = no state yet); at most 1000 audit records per commit.
   */
  commit(next: StoredState, expectedVersion: number | null, audit: readonly ChainedRecord[], days?: readonly DayRecord[]): Promise<void>;
  getOrder(clientOrderId: string): Promise<OrderRecord | null>;
  /** Creates the order record if absent ('exists' otherwise). */
  putOrder(order: OrderRecord): Promise<'created' | 'exists'>;
  updateOrder(order: OrderRecord): Promise<void>;
  listOrders(): Promise<OrderRecord[]>;
  readAudit(fromSeq?: number, limit?: number): Promise<ChainedRecord[]>;
  /** The start-of-day snapshot (null when no bar-close run crossed into that day). */
  getDay(day: string): Promise<DayRecord | null>;
}
