import { describe, expect, it } from 'vitest';
import { AdmissionQueue } from './admission-queue.js';
import { PendingAdmission, type AdmissionClock, type AdmissionTicket } from './pending-admission.js';

/** A clock that never lets a connection grow old: every slot is "just taken". */
const frozen: AdmissionClock = { turn: () => 0, now: () => 0 };

function queue(maxPerAddress: number, maxWaiting: number) {
  const limits = { maxPerAddress, maxTotal: 100, maxWaitingPerAddress: maxWaiting, maxWaitingTotal: maxWaiting * 2, retryMs: 10_000 };
  return new AdmissionQueue(limits, new PendingAdmission(limits, frozen));
}

describe('AdmissionQueue', () => {
  it('queues a burst past the per-address slots and admits it, in order, as slots free', () => {
    const admission = queue(2, 10);
    const started: Array<{ id: number; ticket: AdmissionTicket }> = [];
    const waiters = Array.from({ length: 5 }, (_, id) =>
      admission.enter(
        '127.0.0.1',
        () => {},
        (ticket) => started.push({ id, ticket }),
      ),
    );
    expect(waiters.every((waiter) => waiter !== undefined)).toBe(true);
    expect(started.map((s) => s.id)).toEqual([0, 1]);
    expect(admission.waiting).toBe(3);
    started[0]!.ticket.release();
    expect(started.map((s) => s.id)).toEqual([0, 1, 2]);
    started[1]!.ticket.release();
    started[2]!.ticket.release();
    expect(started.map((s) => s.id)).toEqual([0, 1, 2, 3, 4]);
    expect(admission.waiting).toBe(0);
  });

  it('makes room in a full line by dropping its oldest waiter, and forgets a waiter that left', () => {
    const admission = queue(1, 2);
    const started: number[] = [];
    const dropped: number[] = [];
    const tickets: AdmissionTicket[] = [];
    const enter = (id: number) =>
      admission.enter(
        '127.0.0.1',
        () => dropped.push(id),
        (ticket) => {
          started.push(id);
          tickets.push(ticket);
        },
      );
    enter(0);
    enter(1);
    const second = enter(2);
    expect(enter(3)).toBeDefined();
    expect(dropped).toEqual([1]);
    second!.cancel();
    expect(admission.waiting).toBe(1);
    tickets[0]!.release();
    expect(started).toEqual([0, 3]);
  });

  it('admits a long line whose members close as they are admitted, without recursing', () => {
    const admission = queue(1, 20_000);
    let holder: AdmissionTicket | undefined;
    admission.enter(
      '127.0.0.1',
      () => {},
      (ticket) => (holder = ticket),
    );
    let started = 0;
    for (let i = 0; i < 10_000; i++) {
      admission.enter(
        '127.0.0.1',
        () => {},
        (ticket) => {
          started++;
          ticket.release(); // its connection closed while it waited
        },
      );
    }
    holder!.release();
    expect(started).toBe(10_000);
    expect(admission.waiting).toBe(0);
    expect(admission.pending).toBe(0);
  });

  it('lets a ready waiter, not a silent one, push out an idle connection', () => {
    const limits = { maxPerAddress: 1, maxTotal: 10, minAgeMs: 0, evictOnlyAfterMinAge: true, maxWaitingPerAddress: 5, maxWaitingTotal: 10, retryMs: 10_000 };
    const admission = new AdmissionQueue(limits, new PendingAdmission(limits, frozen));
    const evicted: string[] = [];
    const started: string[] = [];
    admission.enter(
      '127.0.0.1',
      () => evicted.push('idle'),
      () => started.push('idle'),
    );
    admission.enter(
      '127.0.0.1',
      () => evicted.push('silent'),
      () => started.push('silent'),
    );
    const ready = admission.enter(
      '127.0.0.1',
      () => evicted.push('ready'),
      () => started.push('ready'),
    );
    expect(started).toEqual(['idle']);
    ready!.ready();
    expect(evicted).toEqual(['idle']);
    expect(started).toEqual(['idle', 'ready']);
  });

  it('does not hold back another address', () => {
    const admission = queue(1, 5);
    const started: string[] = [];
    admission.enter(
      '10.0.0.1',
      () => {},
      () => started.push('a0'),
    );
    admission.enter(
      '10.0.0.1',
      () => {},
      () => started.push('a1'),
    );
    admission.enter(
      '10.0.0.2',
      () => {},
      () => started.push('b0'),
    );
    expect(started).toEqual(['a0', 'b0']);
  });
});
