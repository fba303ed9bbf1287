import { describe, expect, it } from 'vitest';
import { PendingAdmission, type AdmissionClock } from './pending-admission.js';

/** A clock the test moves: turns of the event loop and milliseconds. */
function clock(): AdmissionClock & { next(turns?: number, ms?: number): void } {
  let turn = 0;
  let now = 0;
  return {
    turn: () => turn,
    now: () => now,
    next(turns = 2, ms = 0) {
      turn += turns;
      now += ms;
    },
  };
}

function admitMany(admission: PendingAdmission, address: string, count: number, evicted: string[]) {
  return Array.from({ length: count }, (_, i) => {
    const id = `${address}#${i}`;
    const result = admission.admit(address, () => evicted.push(id));
    return { id, result };
  });
}

describe('PendingAdmission', () => {
  it('admits up to the per-address limit, then the newcomer takes the oldest silent slot', () => {
    const time = clock();
    const admission = new PendingAdmission({ maxPerAddress: 3, maxTotal: 100 }, time);
    const evicted: string[] = [];
    admitMany(admission, '10.0.0.1', 3, evicted);
    time.next();
    const newcomer = admission.admit('10.0.0.1', () => evicted.push('newcomer'));
    expect(newcomer).toMatchObject({ admitted: true, evicted: { address: '10.0.0.1', limit: 'address' } });
    expect(evicted).toEqual(['10.0.0.1#0']);
    expect(admission.pendingFrom('10.0.0.1')).toBe(3);
  });

  it('leaves other addresses alone', () => {
    const time = clock();
    const admission = new PendingAdmission({ maxPerAddress: 2, maxTotal: 100 }, time);
    const evicted: string[] = [];
    admitMany(admission, '10.0.0.1', 2, evicted);
    time.next();
    admitMany(admission, '127.0.0.1', 50, evicted);
    expect(evicted.every((id) => id.startsWith('127.0.0.1'))).toBe(true);
    expect(admission.pendingFrom('10.0.0.1')).toBe(2);
  });

  it('evicts connections that sent nothing before those that made progress', () => {
    const time = clock();
    const admission = new PendingAdmission({ maxPerAddress: 3, maxTotal: 100 }, time);
    const evicted: string[] = [];
    const [first] = admitMany(admission, 'a', 3, evicted);
    if (first!.result.admitted) first!.result.ticket.progressed();
    time.next();
    admission.admit('a', () => {});
    expect(evicted).toEqual(['a#1']);
  });

  it('refuses the newcomer rather than evict a connection admitted in this or the last turn', () => {
    const time = clock();
    const admission = new PendingAdmission({ maxPerAddress: 2, maxTotal: 100, minAgeMs: 100 }, time);
    const evicted: string[] = [];
    admitMany(admission, 'a', 2, evicted);
    time.next(1, 5);
    expect(admission.admit('a', () => {})).toEqual({ admitted: false, limit: 'address' });
    time.next(0, 100); // old enough by the clock, even without turns
    expect(admission.admit('a', () => {})).toMatchObject({ admitted: true });
    expect(evicted).toEqual(['a#0']);
  });

  it('makes room under the total limit in the address holding the most', () => {
    const time = clock();
    const admission = new PendingAdmission({ maxPerAddress: 10, maxTotal: 5 }, time);
    const evicted: string[] = [];
    admitMany(admission, 'a', 1, evicted);
    admitMany(admission, 'b', 4, evicted);
    time.next();
    expect(admission.admit('c', () => {})).toMatchObject({ admitted: true, evicted: { address: 'b', limit: 'total' } });
    expect(evicted).toEqual(['b#0']);
    expect(admission.pending).toBe(5);
  });

  it('frees a slot on release, once', () => {
    const admission = new PendingAdmission({ maxPerAddress: 1, maxTotal: 1 }, clock());
    const result = admission.admit('a', () => {});
    if (!result.admitted) throw new Error('not admitted');
    result.ticket.release();
    result.ticket.release();
    expect(admission.pending).toBe(0);
    expect(admission.admit('a', () => {})).toMatchObject({ admitted: true });
    expect(admission.pending).toBe(1);
  });
});
