import { describe, expect, it } from 'vitest';
import { decideOnExit, isStarted, validateStartMode } from './start-mode.js';

describe('start modes', () => {
  it('permanent: any end stops the node', () => {
    expect(decideOnExit('permanent', 'normal')).toBe('stop-node');
    expect(decideOnExit('permanent', new Error('x'))).toBe('stop-node');
  });

  it('transient: only an abnormal end stops the node', () => {
    expect(decideOnExit('transient', 'normal')).toBe('log');
    expect(decideOnExit('transient', new Error('x'))).toBe('stop-node');
  });

  it('temporary: an end is logged only', () => {
    expect(decideOnExit('temporary', new Error('x'))).toBe('log');
  });

  it('load and none are not started', () => {
    expect(isStarted('load')).toBe(false);
    expect(isStarted('none')).toBe(false);
    expect(isStarted('temporary')).toBe(true);
  });

  it('rejects an unknown mode naming the application', () => {
    expect(() => validateStartMode('kv', 'permament')).toThrow('start mode "permament" for "kv" must be one of permanent, transient, temporary, load, none');
  });
});
