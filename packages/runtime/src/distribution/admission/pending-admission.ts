/**
 * Admission of connections that have not proved anything yet (a distribution handshake in progress,
 * a port mapper client that has not registered). Each peer address gets a few slots and all
 * addresses together a few more; when an address is full, its newcomer takes the slot of that
 * address's oldest pending connection instead of being refused, so a flood of silent connections
 * from one address (even 127.0.0.1) cannot keep an operator's `rpc`, which completes its handshake
 * in a few milliseconds, from getting in.
 *
 * Whom to evict: connections that have shown no progress first (stage "silent": nothing received
 * yet), then the oldest of the rest. A connection admitted in this or the previous turn of the event
 * loop (and younger than minAgeMs) is never evicted: its first bytes may not have been read yet.
 * When every candidate is that young, the newcomer is refused instead (a burst of thousands of
 * connections accepted in one turn does not push out the one that arrived just before it).
 */

export interface AdmissionLimits {
  /** Pending connections from one address. */
  readonly maxPerAddress: number;
  /** Pending connections from every address together. */
  readonly maxTotal: number;
  /** A connection younger than this (and admitted in this or the previous loop turn) is not evicted. */
  readonly minAgeMs?: number;
  /**
   * Evict only connections older than minAgeMs, however many loop turns went by: for a service whose
   * honest clients come in bursts from one address spread over several turns (a node dialling 99
   * peers), which then wait for a slot (admission-queue.ts) rather than push each other out.
   */
  readonly evictOnlyAfterMinAge?: boolean;
}

export interface AdmissionClock {
  /** Increases once per turn of the event loop in which it is read. */
  turn(): number;
  now(): number;
}

/** One admitted connection, until it is released (authenticated, closed or evicted). */
export interface AdmissionTicket {
  readonly address: string;
  /** It sent its first message: it is evicted after the silent ones. */
  progressed(): void;
  /** While busy (its request is being served: our wait, not its), it is not evicted at all. */
  busy?(on: boolean): void;
  /** Frees its slot (idempotent). */
  release(): void;
}

export type AdmissionResult =
  | { readonly admitted: true; readonly ticket: AdmissionTicket; readonly evicted?: { readonly address: string; readonly limit: 'address' | 'total' } }
  | { readonly admitted: false; readonly limit: 'address' | 'total' };

interface Entry {
  readonly address: string;
  readonly turn: number;
  readonly at: number;
  progressed: boolean;
  busy: boolean;
  released: boolean;
  readonly evict: (limit: 'address' | 'total') => void;
}

export class PendingAdmission {
  readonly #limits: AdmissionLimits;
  readonly #clock: AdmissionClock;
  /** address → its pending entries, oldest first (Set keeps insertion order). */
  readonly #byAddress = new Map<string, Set<Entry>>();
  #total = 0;

  constructor(limits: AdmissionLimits, clock: AdmissionClock = eventLoopClock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  get pending(): number {
    return this.#total;
  }

  pendingFrom(address: string): number {
    return this.#byAddress.get(address)?.size ?? 0;
  }

  /**
   * Admits a connection from `address`; `evict` closes it if a newer one needs its slot later.
   * With mayEvict false, a full address or total refuses it rather than evicting anyone.
   */
  admit(address: string, evict: (limit: 'address' | 'total') => void, mayEvict = true): AdmissionResult {
    let evicted: { address: string; limit: 'address' | 'total' } | undefined;
    const limit = this.pendingFrom(address) >= this.#limits.maxPerAddress ? 'address' : this.#total >= this.#limits.maxTotal ? 'total' : undefined;
    if (limit !== undefined) {
      const bucket = limit === 'address' ? this.#byAddress.get(address)! : this.#fullest();
      const victim = mayEvict ? this.#victim(bucket) : undefined;
      if (!victim) return { admitted: false, limit };
      this.#remove(victim);
      evicted = { address: victim.address, limit };
      victim.evict(limit);
    }
    const entry: Entry = { address, turn: this.#clock.turn(), at: this.#clock.now(), progressed: false, busy: false, released: false, evict };
    let bucket = this.#byAddress.get(address);
    if (!bucket) this.#byAddress.set(address, (bucket = new Set()));
    bucket.add(entry);
    this.#total++;
    const ticket: AdmissionTicket = {
      address,
      progressed: () => {
        entry.progressed = true;
      },
      busy: (on) => {
        entry.busy = on;
      },
      release: () => this.#remove(entry),
    };
    return evicted ? { admitted: true, ticket, evicted } : { admitted: true, ticket };
  }

  #victim(bucket: Set<Entry>): Entry | undefined {
    const turn = this.#clock.turn();
    const now = this.#clock.now();
    const minAgeMs = this.#limits.minAgeMs ?? 100;
    const oldEnough = this.#limits.evictOnlyAfterMinAge
      ? (entry: Entry) => now - entry.at >= minAgeMs
      : (entry: Entry) => entry.turn < turn - 1 || now - entry.at >= minAgeMs;
    let progressed: Entry | undefined;
    for (const entry of bucket) {
      if (!oldEnough(entry)) break; // the rest are younger still
      if (entry.busy) continue;
      if (!entry.progressed) return entry;
      progressed ??= entry;
    }
    return progressed;
  }

  #fullest(): Set<Entry> {
    let fullest: Set<Entry> | undefined;
    for (const bucket of this.#byAddress.values()) if (!fullest || bucket.size > fullest.size) fullest = bucket;
    return fullest!;
  }

  #remove(entry: Entry): void {
    if (entry.released) return;
    entry.released = true;
    const bucket = this.#byAddress.get(entry.address);
    if (!bucket?.delete(entry)) return;
    this.#total--;
    if (bucket.size === 0) this.#byAddress.delete(entry.address);
  }
}

let turn = 0;
let turnScheduled = false;

/** Loop turns counted by setImmediate, armed only when read (no timer spins while nothing happens). */
export const eventLoopClock: AdmissionClock = {
  turn() {
    if (!turnScheduled) {
      turnScheduled = true;
      setImmediate(() => {
        turn++;
        turnScheduled = false;
      }).unref();
    }
    return turn;
  },
  now: () => performance.now(),
};
