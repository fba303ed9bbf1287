/**
 * One budget for the bytes all clients of a node hold: partial lines, input not scanned yet and
 * replies not sent yet (kv-server.maxBufferedBytes; Redis's client-query-buffer-limit and output
 * buffer limits, taken node-wide as its maxmemory-clients does). Each client reports how its bytes
 * changed (`change`), so the hot path adds a number. Past the limit the budget first counts every
 * client again (sent replies leave a socket's buffer without an event), then closes the clients
 * holding the most until the node is back under the limit.
 */
export interface BudgetedClient {
  /** The bytes last reported for this client. */
  readonly counted: number;
  /** Counts this client's bytes again (without reporting a change) and answers the new count. */
  recount(): number;
  /** Closes the client at once, dropping its buffers; it reports its bytes gone with `change`. */
  evict(): void;
}

export class BufferBudget<C extends BudgetedClient = BudgetedClient> {
  /** Bytes held by all clients, as last reported. */
  used = 0;
  private enforcing = false;

  constructor(
    readonly limit: number,
    private readonly clients: () => Iterable<C>,
    private readonly onEvict: (client: C, heldBytes: number) => void = () => {},
  ) {}

  /** A client's bytes grew (positive) or shrank (negative). */
  change(delta: number): void {
    this.used += delta;
    if (this.used > this.limit && !this.enforcing) this.enforce();
  }

  /** Counts every client again; past the limit, closes the biggest holders until under it. */
  enforce(): void {
    this.enforcing = true;
    try {
      const all: C[] = [];
      let used = 0;
      for (const client of this.clients()) {
        used += client.recount();
        all.push(client);
      }
      this.used = used;
      if (this.used <= this.limit) return;
      all.sort((a, b) => b.counted - a.counted);
      for (const client of all) {
        if (this.used <= this.limit || client.counted === 0) break;
        const held = client.counted;
        client.evict();
        this.onEvict(client, held);
      }
    } finally {
      this.enforcing = false;
    }
  }
}
