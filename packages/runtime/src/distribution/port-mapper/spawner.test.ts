import { describe, expect, it } from 'vitest';
import { defaultPortMapperSpawner, portMapperSpawnCommand, setPortMapperSpawner, spawnPortMapper } from './spawner.js';

const facts = {
  execPath: '/usr/bin/node',
  execArgv: ['--enable-source-maps', '--inspect=9229'],
  argv: ['/usr/bin/node', '/app/bin/kvrel.cjs', 'run'],
  sea: false,
  env: { PATH: '/bin', RELEASE_COOKIE: 'secret', NODE_OPTIONS: '--max-old-space-size=64' },
};

describe('port mapper spawner', () => {
  it('reruns the script with KVREL_RUN_PORT_MAPPER=1 from source, without inspector flags', () => {
    expect(portMapperSpawnCommand(facts, { port: 4371 })).toEqual({
      command: '/usr/bin/node',
      args: ['--enable-source-maps', '/app/bin/kvrel.cjs'],
      env: { PATH: '/bin', KVREL_RUN_PORT_MAPPER: '1', KVREL_PORT_MAPPER_PORT: '4371' },
    });
  });

  it('passes the address to listen on (KVREL_DIST_ADDRESS) when one is set', () => {
    expect(portMapperSpawnCommand(facts, { port: 4371, address: '127.0.0.1' })?.env).toEqual({
      PATH: '/bin',
      KVREL_RUN_PORT_MAPPER: '1',
      KVREL_PORT_MAPPER_PORT: '4371',
      KVREL_DIST_ADDRESS: '127.0.0.1',
    });
  });

  it('reruns the executable alone inside a single executable application', () => {
    const command = portMapperSpawnCommand({ ...facts, execPath: '/rel/foo-sea', argv: ['/rel/foo-sea', 'bin/foo', 'start'], sea: true }, { port: 4370 });
    expect(command).toMatchObject({ command: '/rel/foo-sea', args: [] });
    expect(command?.env['KVREL_RUN_PORT_MAPPER']).toBe('1');
  });

  it('has nothing to rerun without a script', () => {
    expect(portMapperSpawnCommand({ ...facts, argv: ['/usr/bin/node'] }, { port: 4370 })).toBeUndefined();
  });

  it('uses the spawner installed last, and restores the default', () => {
    const ports: number[] = [];
    const previous = setPortMapperSpawner(({ port }) => void ports.push(port));
    expect(previous).toBe(defaultPortMapperSpawner);
    spawnPortMapper({ port: 5555 });
    expect(ports).toEqual([5555]);
    setPortMapperSpawner();
    expect(setPortMapperSpawner()).toBe(defaultPortMapperSpawner);
  });
});
