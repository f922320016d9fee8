import type { ChainedRecord } from '../../app/auditChain.ts';
import { InvariantError } from '../../core/errors.ts';
import { parseEngineStateJson } from '../aws/stateItems.ts';
import { ConcurrencyError, type BarClaim, type DayRecord, type OrderRecord, type StateStore, type StoredState } from '../../ports/stateStore.ts';

/**
 * In-memory StateStore with the same conditional semantics as DynamoDB (used by tests and as the
 * reference implementation of the contract suite). State round-trips through JSON like the table.
 */
export class MemoryStateStore implements StateStore {
  private state: { item: Omit<StoredState, 'state'>; json: string } | null = null;
  private readonly bars = new Map<number, BarClaim>();
  private readonly orders = new Map<string, OrderRecord>();
  private readonly audit = new Map<number, ChainedRecord>();
  private readonly days = new Map<string, DayRecord>();

  async load(): Promise<StoredState | null> {
    if (!this.state) return null;
    return { ...this.state.item, state: parseEngineStateJson(this.state.json) };
  }

  async loadForBar(openTime: number): Promise<{ state: StoredState | null; claim: BarClaim | null }> {
    return { state: await this.load(), claim: await this.getBar(openTime) };
  }

  async claim(claim: BarClaim): Promise<'claimed' | 'duplicate'> {
    if (this.bars.has(claim.openTime)) return 'duplicate';
    this.bars.set(claim.openTime, JSON.parse(JSON.stringify(claim)) as BarClaim);
    return 'claimed';
  }

  async getBar(openTime: number): Promise<BarClaim | null> {
    const b = this.bars.get(openTime);
    return b ? (JSON.parse(JSON.stringify(b)) as BarClaim) : null;
  }

  async commit(next: StoredState, expectedVersion: number | null, audit: readonly ChainedRecord[], days: readonly DayRecord[] = []): Promise<void> {
    if (audit.length > 1000) throw new InvariantError('too many audit records for one commit', 'audit.length', audit.length);
    if (expectedVersion !== null && next.version !== expectedVersion + 1) throw new InvariantError('next version must be expected + 1', 'version', next.version);
    // Same order as DynamoDB: audit records (each only if absent), then the conditional state.
    let conflict: number | null = null;
    for (const c of audit) {
      if (this.audit.has(c.seq)) conflict ??= c.seq;
      else this.audit.set(c.seq, JSON.parse(JSON.stringify(c)) as ChainedRecord);
    }
    for (const d of days) if (!this.days.has(d.day)) this.days.set(d.day, { ...d, state: parseEngineStateJson(JSON.stringify(d.state)) });
    if (conflict !== null) throw new ConcurrencyError('audit record already exists', 'audit.seq', conflict);
    const current = this.state?.item.version ?? null;
    if (current !== expectedVersion) throw new ConcurrencyError('state was changed by another writer', 'version', expectedVersion);
    const { state, ...item } = next;
    this.state = { item: { ...item }, json: JSON.stringify(state) };
  }

  async getOrder(id: string): Promise<OrderRecord | null> {
    const o = this.orders.get(id);
    return o ? { ...o } : null;
  }

  async putOrder(order: OrderRecord): Promise<'created' | 'exists'> {
    if (this.orders.has(order.clientOrderId)) return 'exists';
    this.orders.set(order.clientOrderId, { ...order });
    return 'created';
  }

  async updateOrder(order: OrderRecord): Promise<void> {
    if (!this.orders.has(order.clientOrderId)) throw new ConcurrencyError('order does not exist', 'clientOrderId', order.clientOrderId);
    this.orders.set(order.clientOrderId, { ...order });
  }

  async listOrders(): Promise<OrderRecord[]> {
    return [...this.orders.values()].sort((a, b) => (a.clientOrderId < b.clientOrderId ? -1 : 1)).map((o) => ({ ...o }));
  }

  async readAudit(fromSeq = 0, limit = Number.MAX_SAFE_INTEGER): Promise<ChainedRecord[]> {
    return [...this.audit.values()].filter((c) => c.seq >= fromSeq).sort((a, b) => a.seq - b.seq).slice(0, limit);
  }

  async getDay(day: string): Promise<DayRecord | null> {
    const d = this.days.get(day);
    return d ? { ...d, state: parseEngineStateJson(JSON.stringify(d.state)) } : null;
  }

  /** Test hook: tamper with a stored audit record (the chain verifier must notice). */
  tamperAudit(seq: number, record: unknown): void {
    const c = this.audit.get(seq);
    if (c) this.audit.set(seq, { ...c, record });
  }
}
