/**
 * Pending admission with a waiting line: a connection that PendingAdmission would refuse (its
 * address is full and every slot there was taken in this very burst) waits, unread, for a slot
 * instead of being dropped, as a connection waits in the kernel's listen backlog until epmd
 * accepts it. A node dialling 99 peers at once opens 99 port mapper connections from 127.0.0.1 in
 * one turn of the event loop; 64 are admitted, the rest wait a few milliseconds for the first
 * answers. The line is bounded too (per address and in all): past it, newcomers are refused.
 *
 * A waiter is admitted when a slot of its address (or, when the total was the limit, any slot)
 * is released. Once it is ready (it asked for something that needs the slot), it may also evict a
 * pending connection that has grown old enough (checked every retryMs while anyone waits): a silent
 * newcomer never pushes out a silent connection (a busy client that has not written yet), a ready
 * one pushes out an idle one. Waiters of one address are admitted in arrival order, ready ones
 * first when it takes an eviction. A full line makes room by dropping its oldest waiter.
 */
import { PendingAdmission, type AdmissionLimits, type AdmissionTicket } from './pending-admission.js';

export interface QueueLimits {
  /** Connections waiting for a slot, per address. */
  readonly maxWaitingPerAddress: number;
  /** Connections waiting for a slot, from every address together. */
  readonly maxWaitingTotal: number;
  /** How often waiters try to evict an old pending connection; default 50 ms. */
  readonly retryMs?: number;
}

export interface Waiter {
  /** Leaves the line (the connection closed while it waited); harmless once admitted. */
  cancel(): void;
  /** It needs its slot now: it may evict an idle pending connection to get one. */
  ready(): void;
}

interface Entry {
  readonly address: string;
  readonly evict: (limit: 'address' | 'total') => void;
  readonly start: (ticket: AdmissionTicket) => void;
  cancelled: boolean;
  ready: boolean;
  admitted: boolean;
}

export class AdmissionQueue {
  readonly #admission: PendingAdmission;
  readonly #limits: QueueLimits;
  /** address → its waiters, first come first. */
  readonly #waiting = new Map<string, Entry[]>();
  #waitingTotal = 0;
  #retry: NodeJS.Timeout | undefined;
  #draining = false;
  #drainAgain = false;

  constructor(limits: AdmissionLimits & QueueLimits, admission = new PendingAdmission(limits)) {
    this.#admission = admission;
    this.#limits = limits;
  }

  get pending(): number {
    return this.#admission.pending;
  }

  get waiting(): number {
    return this.#waitingTotal;
  }

  /**
   * Admits a connection from `address` now (calling `start` at once) or queues it until a slot
   * frees (dropping the oldest waiter when the line is full); undefined when there is no line at all.
   * `evict` closes the connection if a newer one needs its slot after it was admitted.
   */
  enter(address: string, evict: (limit: 'address' | 'total') => void, start: (ticket: AdmissionTicket) => void): Waiter | undefined {
    const entry: Entry = { address, evict, start, cancelled: false, ready: false, admitted: false };
    const waiter: Waiter = {
      cancel: () => this.#cancel(entry),
      ready: () => {
        if (entry.ready || entry.admitted || entry.cancelled) return;
        entry.ready = true;
        this.#drain(entry.address);
      },
    };
    const ticket = this.#waiting.has(address) ? undefined : this.#tryAdmit(entry, false);
    if (ticket) {
      start(ticket);
      return waiter;
    }
    const line = this.#waiting.get(address) ?? [];
    // A full line drops its oldest waiter (the longest line's when the total is the limit), as a
    // full address evicts its oldest pending connection: a flood cannot lock newcomers out.
    if (line.length >= this.#limits.maxWaitingPerAddress) this.#dropOldest(line, 'address');
    else if (this.#waitingTotal >= this.#limits.maxWaitingTotal) this.#dropOldest(this.#longest(), 'total');
    if (line.length >= this.#limits.maxWaitingPerAddress || this.#waitingTotal >= this.#limits.maxWaitingTotal) return undefined;
    line.push(entry);
    this.#waiting.set(address, line);
    this.#waitingTotal++;
    this.#armRetry();
    return waiter;
  }

  /** A slot for `entry`, or undefined; the caller starts it once its own bookkeeping is done. */
  #tryAdmit(entry: Entry, mayEvict: boolean): AdmissionTicket | undefined {
    const result = this.#admission.admit(entry.address, entry.evict, mayEvict);
    if (!result.admitted) return undefined;
    entry.admitted = true;
    const ticket = result.ticket;
    let released = false;
    return {
      address: ticket.address,
      progressed: () => ticket.progressed(),
      busy: (on) => ticket.busy?.(on),
      release: () => {
        ticket.release();
        if (released) return;
        released = true;
        this.#drain(entry.address);
      },
    };
  }

  /**
   * Admits waiters of `first` (then of every address, for slots freed under the total limit): in
   * order while slots are free, then ready ones by evicting idle connections. Starting an admitted
   * waiter may release a slot at once (it closed meanwhile): that drain runs after this one.
   */
  #drain(first?: string): void {
    if (this.#draining) {
      this.#drainAgain = true;
      return;
    }
    this.#draining = true;
    try {
      do {
        this.#drainAgain = false;
        for (const [entry, ticket] of this.#admitWaiting(first)) entry.start(ticket);
      } while (this.#drainAgain);
    } finally {
      this.#draining = false;
    }
  }

  #admitWaiting(first?: string): Array<[Entry, AdmissionTicket]> {
    const admitted: Array<[Entry, AdmissionTicket]> = [];
    if (this.#waitingTotal === 0) return admitted;
    const addresses = first !== undefined && this.#waiting.has(first) ? [first, ...this.#waiting.keys()] : [...this.#waiting.keys()];
    for (const address of addresses) {
      const line = this.#waiting.get(address);
      if (!line) continue;
      // In order while slots are free...
      for (let ticket: AdmissionTicket | undefined; line.length > 0 && (ticket = this.#tryAdmit(line[0]!, false)); ) {
        admitted.push([line.shift()!, ticket]);
        this.#waitingTotal--;
      }
      // ...then the ready ones, by evicting idle connections.
      for (let i = 0; i < line.length; ) {
        const entry = line[i]!;
        if (!entry.ready) {
          i++;
          continue;
        }
        const ticket = this.#tryAdmit(entry, true);
        if (!ticket) break;
        line.splice(i, 1);
        this.#waitingTotal--;
        admitted.push([entry, ticket]);
      }
      if (line.length === 0) this.#waiting.delete(address);
    }
    return admitted;
  }

  /** Drops the oldest waiter that has asked for nothing yet, else the oldest. */
  #dropOldest(line: Entry[] | undefined, limit: 'address' | 'total'): void {
    const oldest = line?.find((entry) => !entry.ready) ?? line?.[0];
    if (!oldest) return;
    this.#cancel(oldest);
    oldest.evict(limit);
  }

  #longest(): Entry[] | undefined {
    let longest: Entry[] | undefined;
    for (const line of this.#waiting.values()) if (!longest || line.length > longest.length) longest = line;
    return longest;
  }

  #cancel(entry: Entry): void {
    if (entry.cancelled) return;
    entry.cancelled = true;
    const line = this.#waiting.get(entry.address);
    const index = line?.indexOf(entry) ?? -1;
    if (index === -1) return;
    line!.splice(index, 1);
    this.#waitingTotal--;
    if (line!.length === 0) this.#waiting.delete(entry.address);
  }

  #armRetry(): void {
    if (this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#drain();
      if (this.#waitingTotal > 0) this.#armRetry();
    }, this.#limits.retryMs ?? 50);
    this.#retry.unref();
  }
}
