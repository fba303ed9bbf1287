import { describe, expect, it } from 'vitest';
import { BufferBudget, type BudgetedClient } from './buffer-budget.js';

/** A client whose real bytes are `held`; it reports changes as a ClientConnection does. */
class FakeClient implements BudgetedClient {
  counted = 0;
  held = 0;
  evicted = false;
  constructor(
    readonly name: string,
    private readonly budget: () => BufferBudget<FakeClient>,
    private readonly all: Set<FakeClient>,
  ) {}
  grow(bytes: number): void {
    this.held += bytes;
    const delta = this.held - this.counted;
    this.counted = this.held;
    this.budget().change(delta);
  }
  recount(): number {
    return (this.counted = this.held);
  }
  evict(): void {
    this.evicted = true;
    this.all.delete(this);
    const held = this.counted;
    this.held = this.counted = 0;
    this.budget().change(-held);
  }
}

function setup(limit: number) {
  const all = new Set<FakeClient>();
  const evicted: Array<[string, number]> = [];
  const budget = new BufferBudget<FakeClient>(
    limit,
    () => all,
    (client, held) => evicted.push([client.name, held]),
  );
  const client = (name: string) => {
    const c = new FakeClient(name, () => budget, all);
    all.add(c);
    return c;
  };
  return { budget, client, evicted };
}

describe('BufferBudget', () => {
  it('adds what clients report and closes nobody under the limit', () => {
    const { budget, client, evicted } = setup(100);
    const a = client('a');
    const b = client('b');
    a.grow(60);
    b.grow(40);
    expect(budget.used).toBe(100);
    expect(evicted).toEqual([]);
  });

  it('past the limit, closes the clients holding the most until under it', () => {
    const { budget, client, evicted } = setup(100);
    const small = client('small');
    const big = client('big');
    const mid = client('mid');
    small.grow(10);
    big.grow(50);
    mid.grow(40);
    mid.grow(5);
    expect(evicted).toEqual([['big', 50]]);
    expect(budget.used).toBe(55);
    expect([small.evicted, mid.evicted]).toEqual([false, false]);
  });

  it('counts every client again before closing any (bytes that left without a report)', () => {
    const { budget, client, evicted } = setup(100);
    const a = client('a');
    const b = client('b');
    a.grow(90);
    a.held = 0; // its replies were sent; no report yet
    b.grow(20);
    expect(evicted).toEqual([]);
    expect(budget.used).toBe(20);
  });
});
