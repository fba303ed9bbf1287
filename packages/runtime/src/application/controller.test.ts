import { beforeEach, describe, expect, it } from 'vitest';
import { CodedError } from '../coded-error.js';
import { exitSignal } from '../supervision/child-spec.js';
import { setLogSink } from '../logger/logger.js';
import { ApplicationController } from './controller.js';
import type { ApplicationDescriptor, RunningApplication } from './define-application.js';
import { getEnv, resetEnv } from './environment.js';
import type { ExitReason, StartMode } from './start-mode.js';

setLogSink(() => {});

function app(name: string, dependencies: string[], log: string[]) {
  let signal: ReturnType<typeof exitSignal> | undefined;
  const descriptor: ApplicationDescriptor = {
    version: '1.0.0',
    dependencies,
    spec: {
      name,
      env: { greeting: `hello from ${name}` },
      start(): RunningApplication {
        log.push(`start ${name}`);
        signal = exitSignal();
        const current = signal;
        return {
          exited: current.exited,
          stop: async () => {
            log.push(`stop ${name}`);
            current.exit('normal');
          },
        };
      },
    },
  };
  return { descriptor, end: (reason: ExitReason) => signal?.exit(reason) };
}

function setup(modes: Record<string, StartMode>) {
  const log: string[] = [];
  const stops: string[] = [];
  const kv = app('kv', [], log);
  const server = app('kv-server', ['kv'], log);
  const controller = new ApplicationController([server.descriptor, kv.descriptor], { onStopNode: (r) => stops.push(r) });
  controller.load(modes, { kv: { greeting: 'configured' } });
  return { log, stops, kv, server, controller };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('ApplicationController', () => {
  beforeEach(() => resetEnv());

  it('starts dependencies first and stops in reverse order', async () => {
    const { log, controller } = setup({ 'kv-server': 'permanent' });
    await controller.startAll();
    expect(controller.startedApplications().map((a) => a.name)).toEqual(['kv', 'kv-server']);
    await controller.stopAll();
    expect(log).toEqual(['start kv', 'start kv-server', 'stop kv-server', 'stop kv']);
    expect(controller.startedApplications()).toEqual([]);
  });

  it('loads env defaults under configuration', () => {
    setup({ 'kv-server': 'permanent', kv: 'permanent' });
    expect(getEnv('kv', 'greeting')).toBe('configured');
    expect(getEnv('kv-server', 'greeting')).toBe('hello from kv-server');
  });

  it('permanent: an application that ends stops the node', async () => {
    const { kv, stops, controller } = setup({ kv: 'permanent' });
    await controller.startAll();
    kv.end('normal');
    await settle();
    expect(stops).toEqual(['permanent application "kv" exited: normal']);
  });

  it('transient: only an abnormal end stops the node', async () => {
    const first = setup({ kv: 'transient' });
    await first.controller.startAll();
    first.kv.end('normal');
    await settle();
    expect(first.stops).toEqual([]);
    const second = setup({ kv: 'transient' });
    await second.controller.startAll();
    second.kv.end(new Error('crashed'));
    await settle();
    expect(second.stops).toEqual(['transient application "kv" exited: crashed']);
  });

  it('temporary: a crash is logged and the node keeps running', async () => {
    const { kv, stops, controller } = setup({ kv: 'temporary' });
    await controller.startAll();
    kv.end(new Error('crashed'));
    await settle();
    expect(stops).toEqual([]);
    expect(controller.startedApplications()).toEqual([]);
  });

  it('load: loaded, not started; none: neither', async () => {
    const { log, controller } = setup({ kv: 'load', 'kv-server': 'none' });
    await controller.startAll();
    expect(log).toEqual([]);
    expect(getEnv('kv', 'greeting')).toBe('configured');
    expect(getEnv('kv-server', 'greeting')).toBeUndefined();
  });

  it('ensureAllStarted starts an application and its missing dependencies', async () => {
    const { log, controller } = setup({ kv: 'load' });
    expect(await controller.ensureAllStarted('kv-server')).toEqual(['kv', 'kv-server']);
    expect(await controller.ensureAllStarted('kv-server')).toEqual([]);
    expect(log).toEqual(['start kv', 'start kv-server']);
  });

  it('describes each loaded application with its mode and state, through a stop on request and a crash', async () => {
    const { kv, controller, stops } = setup({ 'kv-server': 'permanent', kv: 'temporary' });
    const states = () => controller.describe().map((a) => `${a.name}:${a.mode}:${a.state}`);
    expect(states()).toEqual(['kv:temporary:loaded', 'kv-server:permanent:loaded']);
    await controller.startAll();
    expect(states()).toEqual(['kv:temporary:started', 'kv-server:permanent:started']);
    // A stop asked for does not apply the start mode: the node keeps running.
    await controller.stop('kv-server');
    expect(states()).toEqual(['kv:temporary:started', 'kv-server:permanent:stopped']);
    kv.end(new Error('crashed'));
    await settle();
    expect(states()).toEqual(['kv:temporary:failed', 'kv-server:permanent:stopped']);
    expect(stops).toEqual([]);
    await controller.ensureAllStarted('kv-server');
    expect(states()).toEqual(['kv:temporary:started', 'kv-server:permanent:started']);
    await expect(controller.stop('ghost')).rejects.toThrow('unknown application "ghost"');
  });

  it('refuses unknown applications and bad modes', () => {
    expect(() => setup({ ghost: 'permanent' })).toThrow('unknown application "ghost"');
    expect(() => setup({ kv: 'forever' as StartMode })).toThrow('start mode "forever" for "kv" must be one of');
  });

  it('keeps a bug in start as the cause of RUNTIME_START_FAILED, with its stack', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'port')");
    const broken: ApplicationDescriptor = {
      version: '1.0.0',
      dependencies: [],
      spec: {
        name: 'broken',
        start: () => {
          throw bug;
        },
      },
    };
    const controller = new ApplicationController([broken], { onStopNode: () => {} });
    controller.load({ broken: 'permanent' }, {});
    const error = await controller.startAll().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RUNTIME_START_FAILED', message: `application "broken" failed to start: ${bug.message}`, cause: bug });
    expect((error as Error & { cause: Error }).cause.stack).toContain('controller.test.ts');
  });

  it("keeps the code of an application's own coded error (a mistake the user can fix)", async () => {
    const mistake = new CodedError('KV_BAD_ROUTING_TABLE', 'kv.routingTable[0].node must be a node name');
    const picky: ApplicationDescriptor = {
      version: '1.0.0',
      dependencies: [],
      spec: {
        name: 'kv',
        start: () => {
          throw mistake;
        },
      },
    };
    const controller = new ApplicationController([picky], { onStopNode: () => {} });
    controller.load({ kv: 'permanent' }, {});
    const error = await controller.startAll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toMatchObject({ code: 'KV_BAD_ROUTING_TABLE', message: `application "kv" failed to start: ${mistake.message}`, cause: mistake });
  });
});
