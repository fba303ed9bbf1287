import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { runsExecutable } from './release-process.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('runsExecutable', () => {
  it('knows a process running the given executable', () => {
    expect(runsExecutable(process.pid, process.execPath)).toBe(true);
  });

  it('does not take an unrelated live process for the node', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(sleeper);
    await new Promise((resolve) => sleeper.once('spawn', resolve));
    expect(runsExecutable(sleeper.pid!, process.execPath)).toBe(false);
  });

  it('says no for a pid that is gone', () => {
    expect(runsExecutable(2 ** 22 + 12345, process.execPath)).toBe(false);
  });
});
