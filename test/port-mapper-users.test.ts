/**
 * One port mapper for every local user, and where distribution listens (issue 15, items 3 and 6).
 * Nodes are lightweight ones (test/fixtures/mapper-nodes.ts, many per process) run as other OS
 * users with setpriv: 65534 (nobody) and 65533 (a uid with no name). Each test uses its own mapper
 * port; the mappers the nodes start are detached, found by their listening socket and killed by pid.
 * - Two non-root users' nodes register with one mapper; neither can take the other's name.
 * - A root node refuses a mapper run by another user, naming the user and the mapper's pid.
 * - KVREL_DIST_ADDRESS=127.0.0.1 keeps the node's listener and the mapper it starts on loopback.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from './helpers/free-port.js';
import { listenerPid, mapperNodesForThisFile, listeners } from './helpers/mapper-nodes.js';
import type { Started } from './helpers/processes.js';
import { waitFor } from './helpers/wait-for.js';

const NOBODY = 65534;
const NAMELESS = 65533;
const mapperNodes = mapperNodesForThisFile();

const registered = (node: Started, name: string) =>
  waitFor(() => node.output().includes(`registered ${name} `), { what: `${name} to register`, details: () => node.output() });

describe('port mapper users and interfaces', () => {
  it('nodes of two non-root users share one mapper; neither takes the other one’s name; a root node refuses that mapper, naming it', async () => {
    const port = await freePort();
    const env = { KVREL_PORT_MAPPER_PORT: String(port) };
    const first = mapperNodes().run(['nodes', 'alpha', '3'], env, NOBODY);
    await waitFor(() => first.output().includes('all registered'), { what: "nobody's nodes to register", details: () => first.output() });
    const mapperPid = listenerPid(port);
    expect(mapperPid).toBeDefined();
    expect(listeners(port).map((entry) => entry.uid)).toEqual([NOBODY]);

    const second = mapperNodes().run(['nodes', 'beta', '3'], env, NAMELESS);
    await waitFor(() => second.output().includes('all registered') || second.output().includes('error '), {
      what: "the other user's nodes",
      details: () => second.output(),
    });
    expect(second.output()).not.toContain('error ');
    expect(second.output()).not.toContain('spawning a port mapper'); // it used nobody's

    const squatter = mapperNodes().run(['nodes', 'alpha', '1'], env, NAMELESS);
    expect(await squatter.exit).toEqual({ code: 1, signal: undefined });
    expect(squatter.output()).toContain(`error DIST_NAME_IN_USE node name "alpha0" is already in use on this host (it belongs to user ${NOBODY})\n`);

    const root = mapperNodes().run(['nodes', 'gamma', '1'], env);
    expect(await root.exit).toEqual({ code: 1, signal: undefined });
    expect(root.output().trim().split('\n')).toEqual([
      `error DIST_PORT_MAPPER_UNTRUSTED the port mapper at 127.0.0.1:${port} is run by user ${NOBODY} (nobody) (pid ${mapperPid}), not by root: a ` +
        `node run by root uses only a port mapper run by root; stop that mapper and start this node again (it starts its own)`,
    ]);
  });

  it('KVREL_DIST_ADDRESS=127.0.0.1 keeps the distribution listener and the mapper it starts on loopback', async () => {
    const port = await freePort();
    const node = mapperNodes().run(['nodes', 'local', '1'], { KVREL_PORT_MAPPER_PORT: String(port), KVREL_DIST_ADDRESS: '127.0.0.1' });
    await registered(node, 'local0');
    const distPort = Number(/registered local0 (\d+)/.exec(node.output())![1]);
    listenerPid(port);
    const LOOPBACK = '0100007F';
    expect(listeners(port).map((entry) => entry.address)).toEqual([LOOPBACK]);
    expect(listeners(distPort).map((entry) => entry.address)).toEqual([LOOPBACK]);

    // Unset, both listen on every interface, as Erlang's do.
    const widePort = await freePort();
    const wide = mapperNodes().run(['nodes', 'wide', '1'], { KVREL_PORT_MAPPER_PORT: String(widePort) });
    await registered(wide, 'wide0');
    listenerPid(widePort);
    const wideDist = Number(/registered wide0 (\d+)/.exec(wide.output())![1]);
    expect(listeners(widePort).map((entry) => entry.address)).toEqual(['00000000']);
    expect(listeners(wideDist).map((entry) => entry.address)).toEqual(['00000000']);
  });

  it('refuses a distribution address that is not an IP address, in one line with its code', async () => {
    const node = mapperNodes().run(['nodes', 'bad', '1'], { KVREL_PORT_MAPPER_PORT: String(await freePort()), KVREL_DIST_ADDRESS: 'localhost' });
    expect(await node.exit).toEqual({ code: 1, signal: undefined });
    expect(node.output()).toBe('error DIST_BAD_ADDRESS KVREL_DIST_ADDRESS must be an IP address such as 127.0.0.1 (got "localhost")\n');
  });
});
