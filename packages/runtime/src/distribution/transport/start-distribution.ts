/**
 * Turns a process into a distributed node (SPEC §5): resolve its name, listen for other nodes
 * (port 0, or KVREL_DIST_PORT when pinned), register with the host's port mapper (started on
 * demand), and hand back the Transport that boot installs with setTransport(). kvrel's boot-node.ts
 * passes it to boot as the startDistribution hook, with the options distributionOptionsFromEnv read
 * (or `kvrel run`'s flags) and the cookie.
 */
import net from 'node:net';
import { cookieWeakness, formatCookieWarning } from '../cookie-strength.js';
import type { DistTls } from '../dist-tls.js';
import { DEFAULT_DISTRIBUTION_SETTINGS, resolveDistributionSettings, type DistributionSettings } from './distribution-settings.js';
import { DistributionTransport } from './distribution-transport.js';
import { distAddressFrom, EVERY_INTERFACE } from '../dist-address.js';
import { DistributionError } from '../errors.js';
import { getEnv } from '../../application/environment.js';
import { formatNodeName, parseDistributionMode, parseNodeName, type DistributionMode } from '../node-name.js';
import { registerWithPortMapper } from '../port-mapper/client.js';
import { DIST_PORT_ENV, parsePortVariable, portMapperPortFromEnv } from '../ports.js';

/** The node's own options, and the link settings (distribution-settings.ts) it overrides; netTicktime is in seconds here. */
export interface StartDistributionOptions extends Partial<Omit<DistributionSettings, 'netTicktimeMs'>> {
  /** RELEASE_DISTRIBUTION: sname (default), name or none. */
  readonly mode?: DistributionMode | string | undefined;
  /** RELEASE_NODE: `foo` or `foo@host`. */
  readonly name: string;
  /** RELEASE_COOKIE; never logged. */
  readonly cookie: string;
  /** Address to listen on; default KVREL_DIST_ADDRESS, else kernel.distAddress, else every interface ("0.0.0.0"), as Erlang does. */
  readonly host?: string;
  /** Default KVREL_PORT_MAPPER_PORT, else 4370. */
  readonly portMapperPort?: number;
  /** A fixed distribution port (KVREL_DIST_PORT); default 0, any free port. */
  readonly distPort?: number | undefined;
  /** Start the port mapper when none answers (default true). */
  readonly startPortMapper?: boolean;
  /** Host name used for sname (default os.hostname()). */
  readonly hostname?: string;
  /** Seconds of silence after which a peer is declared down; default: the `kernel` application's netTicktime, else 60. */
  readonly netTicktime?: number;
  /** RELEASE_DIST_TLS settings (dist-tls.ts); undefined: plain TCP, frames still authenticated. */
  readonly tls?: DistTls | undefined;
}

/** Reads RELEASE_DISTRIBUTION, RELEASE_NODE (default: the release name), KVREL_PORT_MAPPER_PORT and KVREL_DIST_PORT. */
export function distributionOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  releaseName: string,
): { mode: DistributionMode; name: string; portMapperPort: number; distPort: number | undefined } {
  return {
    mode: parseDistributionMode(env['RELEASE_DISTRIBUTION']),
    name: env['RELEASE_NODE'] || releaseName,
    portMapperPort: portMapperPortFromEnv(env),
    distPort: parsePortVariable(DIST_PORT_ENV, env[DIST_PORT_ENV]),
  };
}

/**
 * undefined when the mode is `none`. Throws DIST_BAD_NAME, DIST_BAD_COOKIE, DIST_BAD_ADDRESS, DIST_LISTEN_FAILED,
 * DIST_NAME_IN_USE, DIST_PORT_MAPPER_UNTRUSTED.
 */
export async function startDistribution(options: StartDistributionOptions): Promise<DistributionTransport | undefined> {
  const mode = parseDistributionMode(options.mode);
  if (mode === 'none') return undefined;
  const node = parseNodeName(options.name, mode, options.hostname);
  const self = formatNodeName(node);
  if (typeof options.cookie !== 'string' || options.cookie === '') {
    throw new DistributionError({ code: 'DIST_BAD_COOKIE', reason: 'is empty' });
  }
  const settings = resolveDistributionSettings({
    ...options,
    netTicktimeMs: netTicktimeToMs(options.netTicktime ?? getEnv('kernel', 'netTicktime', DEFAULT_DISTRIBUTION_SETTINGS.netTicktimeMs / 1000)),
  });
  const log = settings.logger;
  const weakness = cookieWeakness(options.cookie);
  if (weakness !== undefined) log.warning(formatCookieWarning(weakness));
  const portMapperPort = options.portMapperPort ?? portMapperPortFromEnv();
  // KVREL_DIST_ADDRESS / kernel.distAddress (Erlang's inet_dist_use_interface) binds this node's
  // listener, and the port mapper it starts (ERL_EPMD_ADDRESS), to one address.
  const address = options.host ?? distAddressFrom(process.env, getEnv('kernel', 'distAddress'));
  const host = address ?? EVERY_INTERFACE;
  const server = net.createServer();
  await listen(server, host, options.distPort ?? 0, self);
  const port = (server.address() as net.AddressInfo).port;

  const transport = new DistributionTransport({
    self,
    cookie: options.cookie,
    portMapperPort,
    pinnedPort: options.distPort || undefined,
    listenPort: port,
    tls: options.tls,
    settings,
  });
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 15_000);
    transport.accept(socket);
  });
  // Stop listening at once; connections are already ended by the transport, and waiting for every
  // peer's FIN would hold a stopping node for their grace period.
  transport.onStop(() => {
    server.close();
  });

  try {
    const registration = await registerWithPortMapper({
      name: node.name,
      port,
      portMapperPort,
      startOnDemand: options.startPortMapper ?? true,
      address,
      logger: log,
    });
    transport.onStop(() => registration.close());
  } catch (error) {
    const pinnedAndMapperless = options.distPort && error instanceof DistributionError && error.code === 'DIST_PORT_MAPPER_UNAVAILABLE';
    if (!pinnedAndMapperless) {
      await transport.stop();
      throw error;
    }
    log.warning(`node ${JSON.stringify(self)} runs without the port mapper (${error.message}); peers must use port ${port}`);
  }
  log.debug(`node ${JSON.stringify(self)} listening for other nodes on ${host}:${port}`);
  return transport;
}

/** kernel.netTicktime (seconds, as Erlang's net_ticktime) in ms; throws DIST_BAD_NET_TICKTIME. */
export function netTicktimeToMs(seconds: unknown): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new DistributionError({ code: 'DIST_BAD_NET_TICKTIME', value: seconds });
  }
  return Math.round(seconds * 1000);
}

function listen(server: net.Server, host: string, port: number, self: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'the address is already in use' : error.message;
      reject(new DistributionError({ code: 'DIST_LISTEN_FAILED', node: self, address: `${host}:${port}`, reason }));
    });
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      server.on('error', () => {});
      resolve();
    });
  });
}
