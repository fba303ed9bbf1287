/**
 * Nodes of the guide's distributed store started with `kvrel run`, each test with its own free port
 * mapper port and kv-server ports (PORT=0, the real one read from the log), and an rpc client (a
 * built release's bin/foo pointed at a node).
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { startPortMapper } from './port-mapper.js';
import { start, type Started } from './processes.js';
import { builtRelease } from './releases.js';
import { kvrelBin, repoRoot } from './repo.js';
import { servingPort } from './serving-port.js';
import { waitFor } from './wait-for.js';

export interface ClusterNode {
  readonly name: string;
  readonly port: number;
  /** `kvrel run`, which starts the node as its child on the embedded Node. */
  process: Started;
}

/** The OS pid of the node `kvrel run` started (its child), from its "started on <name> (pid N, …)" line. */
export function nodePid(node: ClusterNode): number {
  const pid = new RegExp(`started on ${node.name.replace(/[.]/g, '\\.')} \\(pid (\\d+)`).exec(node.process.output())?.[1];
  if (!pid) throw new Error(`${node.name} has not logged its pid:\n${node.process.output()}`);
  return Number(pid);
}

export interface NodeOptions {
  readonly cookie?: string;
  readonly distPort?: number;
  /** --config files, applied after config/runtime.ts. */
  readonly config?: readonly string[];
}

export class Cluster {
  private constructor(
    readonly portMapperPort: number,
    readonly cookie: string,
  ) {}

  /** A cluster with its own port mapper (a tracked process: call stopAll() after the tests). */
  static async create(cookie = 'test-cookie-s3cret'): Promise<Cluster> {
    return new Cluster(await startPortMapper(), cookie);
  }

  /** A cluster whose nodes use the port mapper the test runs on `portMapperPort`. */
  static using(portMapperPort: number, cookie = 'test-cookie-s3cret'): Cluster {
    return new Cluster(portMapperPort, cookie);
  }

  /** Starts `kvrel run --name <name>` serving kv-server on a port the OS picks; resolves once it accepts. */
  async node(name: string, routing: string, options: NodeOptions = {}): Promise<ClusterNode> {
    const process = this.spawn(name, routing, 0, options);
    // Fully booted: serving on its port and registered for distribution.
    // kvrel run bundles, then starts the node on the embedded Node: room for a busy machine.
    const port = await waitFor(() => process.output().includes(`started on ${name}`) && servingPort(process.output()), {
      what: `${name} to accept`,
      timeoutMs: 45_000,
      details: () => process.output(),
    });
    return { name, port, process };
  }

  /** Starts the same node again (after it was killed), on the port it had, and waits until it accepts. */
  async restart(node: ClusterNode, routing: string, options: NodeOptions = {}): Promise<void> {
    node.process = this.spawn(node.name, routing, node.port, options);
    await waitFor(
      () => node.process.output().includes(`accepting connections on port ${node.port}`) && node.process.output().includes(`started on ${node.name}`),
      {
        what: `${node.name} to accept again`,
        details: () => node.process.output(),
      },
    );
  }

  spawn(name: string, routing: string, port: number, options: NodeOptions): Started {
    const config = (options.config ?? []).flatMap((file) => ['--config', file]);
    // The cookie in the environment, as users should pass it (--cookie would show it in ps).
    return start(process.execPath, [kvrelBin, 'run', '--name', name, ...config], {
      cwd: repoRoot,
      env: {
        RELEASE_COOKIE: options.cookie ?? this.cookie,
        PORT: String(port),
        KV_ROUTING_TABLE: routing,
        KVREL_PORT_MAPPER_PORT: String(this.portMapperPort),
        KVREL_DIST_PORT: options.distPort ? String(options.distPort) : undefined,
      },
    });
  }

  /** `bin/foo rpc EXPR` of the built release, aimed at `node` with this cluster's (or the given) cookie. */
  rpc(node: string, expression: string, cookie = this.cookie) {
    return execa(join(builtRelease('foo'), 'bin', 'foo'), ['rpc', expression], {
      reject: false,
      env: {
        RELEASE_NODE: node,
        RELEASE_DISTRIBUTION: 'name',
        RELEASE_COOKIE: cookie,
        KVREL_PORT_MAPPER_PORT: String(this.portMapperPort),
      },
    });
  }
}
