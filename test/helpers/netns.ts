/**
 * Two hosts joined by a router, as network namespaces this test run creates (tests run as root):
 *
 *   a (10.217.1.2) ── veth ── (10.217.1.1) router (10.217.2.1) ── veth ── (10.217.2.2) b
 *
 * The router forwards between them. Every name carries this process's pid, so parallel runs do
 * not meet; remove() deletes the namespaces (their veth pairs go with them).
 */
import { execFileSync } from 'node:child_process';

export interface TwoHosts {
  readonly a: string;
  readonly router: string;
  readonly b: string;
  readonly aAddress: string;
  /** The router's address on a's side (where a man in the middle listens for a's dials). */
  readonly routerOnA: string;
  /** The router's address on b's side (what b sees as the peer of a link the router relays). */
  readonly routerOnB: string;
  readonly bAddress: string;
  /** argv prefix that runs a command inside a namespace. */
  exec(ns: string): string[];
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createTwoHosts(): TwoHosts {
  const tag = String(process.pid % 100000);
  const a = `kvra${tag}`;
  const router = `kvrr${tag}`;
  const b = `kvrb${tag}`;
  const hosts: TwoHosts = {
    a,
    router,
    b,
    aAddress: '10.217.1.2',
    routerOnA: '10.217.1.1',
    routerOnB: '10.217.2.1',
    bAddress: '10.217.2.2',
    exec: (ns) => ['netns', 'exec', ns],
    remove: () => {
      for (const ns of [a, router, b]) {
        try {
          ip('netns', 'del', ns);
        } catch {
          // never created
        }
      }
    },
  };
  try {
    for (const ns of [a, router, b]) {
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    ip('link', 'add', `va${tag}`, 'netns', a, 'type', 'veth', 'peer', 'name', `ra${tag}`, 'netns', router);
    ip('link', 'add', `vb${tag}`, 'netns', b, 'type', 'veth', 'peer', 'name', `rb${tag}`, 'netns', router);
    ip('-n', a, 'addr', 'add', '10.217.1.2/24', 'dev', `va${tag}`);
    ip('-n', router, 'addr', 'add', '10.217.1.1/24', 'dev', `ra${tag}`);
    ip('-n', router, 'addr', 'add', '10.217.2.1/24', 'dev', `rb${tag}`);
    ip('-n', b, 'addr', 'add', '10.217.2.2/24', 'dev', `vb${tag}`);
    for (const [ns, dev] of [
      [a, `va${tag}`],
      [router, `ra${tag}`],
      [router, `rb${tag}`],
      [b, `vb${tag}`],
    ] as const)
      ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', a, 'route', 'add', 'default', 'via', '10.217.1.1');
    ip('-n', b, 'route', 'add', 'default', 'via', '10.217.2.1');
    execFileSync('ip', ['netns', 'exec', router, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
  } catch (error) {
    hosts.remove();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`could not create the test's network namespaces (tests need root and iproute2): ${stderr ?? (error as Error).message}`);
  }
  return hosts;
}
