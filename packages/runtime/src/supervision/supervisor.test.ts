import { afterEach, describe, expect, it } from 'vitest';
import { setLogSink } from '../logger/logger.js';
import { exitSignal, type Child, type ChildSpec } from './child-spec.js';
import { Supervisor } from './supervisor.js';

const lines: string[] = [];
const restore = setLogSink((line) => lines.push(line));
afterEach(() => {
  lines.length = 0;
});
process.on('exit', () => setLogSink(restore));

function controllable(log: string[], id: string): { spec: ChildSpec; crash(error: Error): void; count(): number } {
  let current: ReturnType<typeof exitSignal> | undefined;
  let started = 0;
  return {
    spec: {
      id,
      start(): Child {
        started++;
        log.push(`start ${id}`);
        current = exitSignal();
        const signal = current;
        return {
          exited: signal.exited,
          stop: async () => {
            log.push(`stop ${id}`);
            signal.exit('normal');
          },
        };
      },
    },
    crash: (error) => current?.exit(error),
    count: () => started,
  };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
};

describe('Supervisor', () => {
  it('starts children in order and stops them in reverse', async () => {
    const log: string[] = [];
    const a = controllable(log, 'a');
    const b = controllable(log, 'b');
    const sup = await Supervisor.start([a.spec, b.spec]);
    expect(sup.which()).toEqual(['a', 'b']);
    await sup.stop();
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
    expect(await sup.exited).toBe('normal');
  });

  it('restarts a crashed permanent child', async () => {
    const log: string[] = [];
    const a = controllable(log, 'a');
    const sup = await Supervisor.start([a.spec], { name: 'test' });
    a.crash(new Error('boom'));
    await until(() => a.count() === 2);
    expect(sup.which()).toEqual(['a']);
    expect(lines.some((l) => l.includes('child "a" exited: boom'))).toBe(true);
    await sup.stop();
  });

  it('gives up after more than 3 restarts in 5 seconds and stops the other children', async () => {
    const log: string[] = [];
    const a = controllable(log, 'a');
    let now = 0;
    const failing: ChildSpec = {
      id: 'listener',
      start: () => {
        log.push('start listener');
        throw new Error('listen EADDRINUSE: address already in use');
      },
    };
    const sup = await Supervisor.start([a.spec, failing], { now: () => now++ });
    const reason = await sup.exited;
    expect(reason).toBeInstanceOf(Error);
    expect((reason as Error).message).toMatch(/reached max restart intensity.*EADDRINUSE/);
    expect(log.filter((l) => l === 'start listener')).toHaveLength(4);
    expect(log.at(-1)).toBe('stop a');
  });

  it('does not restart a temporary child, and restarts a transient one only after an abnormal end', async () => {
    const log: string[] = [];
    const temp = controllable(log, 'temp');
    const trans = controllable(log, 'trans');
    const sup = await Supervisor.start([
      { ...temp.spec, restart: 'temporary' },
      { ...trans.spec, restart: 'transient' },
    ]);
    temp.crash(new Error('x'));
    trans.crash(new Error('y'));
    await until(() => trans.count() === 2);
    expect(temp.count()).toBe(1);
    expect(sup.which()).toEqual(['trans']);
    await sup.stop();
  });

  it('describes its children, nested supervisors included, and counts restarts by name', async () => {
    const log: string[] = [];
    const a = controllable(log, 'a');
    const inner = controllable(log, 'inner');
    const nested: ChildSpec = { id: 'workers', start: () => Supervisor.start([inner.spec], { name: 'describe-inner' }) };
    const sup = await Supervisor.start([a.spec, nested], { name: 'describe-outer' });
    a.crash(new Error('boom'));
    await until(() => a.count() === 2);
    await until(() => sup.describe().children[0]!.running);
    expect(sup.describe()).toEqual({
      name: 'describe-outer',
      restarts: 1,
      children: [
        { id: 'a', running: true },
        { id: 'workers', running: true, supervisor: { name: 'describe-inner', restarts: 0, children: [{ id: 'inner', running: true }] } },
      ],
    });
    await sup.stop();
    expect(sup.describe().children.map((c) => c.running)).toEqual([false, false]);
  });

  it('refuses duplicate child ids', async () => {
    const log: string[] = [];
    const a = controllable(log, 'a');
    await expect(Supervisor.start([a.spec, a.spec])).rejects.toThrow('duplicate child id "a"');
  });
});
