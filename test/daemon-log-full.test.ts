/**
 * A daemon whose log cannot be written keeps serving (SPEC §10, "Logs never stop a node"). The
 * daemon runs under a file size limit (`prlimit --fsize`, else the shell's `ulimit -f`; Node
 * ignores SIGXFSZ, so a write past the limit fails with EFBIG as on a full disk), its log is filled
 * through rpc, an uncaught exception is thrown while no line can be written (the crash handler logs
 * through the same sink), and once writing works again the log says how many lines were lost.
 */
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort } from './helpers/free-port.js';
import { KvClient } from './helpers/kv-client.js';
import { startPortMapper } from './helpers/port-mapper.js';
import { alive, stopAll, trackPid } from './helpers/processes.js';
import { copyRelease, removeReleaseCopies } from './helpers/releases.js';
import { waitFor } from './helpers/wait-for.js';

const FILE_SIZE_LIMIT = 65_536;

afterEach(async () => {
  await stopAll();
});
afterAll(() => removeReleaseCopies());

/** argv that runs `command` with a file size limit of FILE_SIZE_LIMIT bytes. */
async function withFileSizeLimit(command: string[]): Promise<string[]> {
  const prlimit = await execa('prlimit', ['--version'], { reject: false });
  if (prlimit.exitCode === 0) return ['prlimit', `--fsize=${FILE_SIZE_LIMIT}`, ...command];
  // POSIX sh counts ulimit -f in 512-byte blocks.
  return ['sh', '-c', `ulimit -f ${FILE_SIZE_LIMIT / 512} && exec "$0" "$@"`, ...command];
}

function logText(dir: string): string {
  return readdirSync(dir)
    .sort()
    .reverse()
    .map((file) => readFileSync(join(dir, file), 'latin1'))
    .join('');
}

describe('a daemon whose log cannot be written', () => {
  it('keeps serving, survives an uncaught exception, and later reports the lines it lost', async () => {
    const release = copyRelease('foo');
    const tmp = join(release, 'tmp');
    const logDir = join(tmp, 'log');
    const env = {
      PORT: String(await freePort()),
      KVREL_PORT_MAPPER_PORT: String(await startPortMapper()),
      RELEASE_DISTRIBUTION: 'name',
      RELEASE_NODE: 'foolog@127.0.0.1',
      RELEASE_TMP: tmp,
    };
    const bin = join(release, 'bin', 'foo');
    const [file, ...args] = await withFileSizeLimit([bin, 'daemon']);
    const daemon = await execa(file!, args, { env, reject: false, all: true });
    expect(daemon.exitCode, daemon.all).toBe(0);
    const pid = Number(readFileSync(join(tmp, 'foo.pid'), 'utf8'));
    trackPid(pid);
    const rpc = (expression: string) => execa(bin, ['rpc', expression], { env, reject: false, all: true });

    // ~300 KB of log lines: the file stops at the limit, every write after it fails with EFBIG.
    const fill = await rpc('for (let i = 0; i < 300; i++) process.stdout.write(`filler ${i} ${"x".repeat(990)}\\n`); "filled"');
    expect(fill.stdout, fill.all).toBe('filled');
    // The crash handler logs through the failing sink; it must not throw again (exit 7).
    expect((await rpc('setTimeout(() => { throw new Error("boom while the log cannot be written") }); 1')).exitCode).toBe(0);

    const client = await KvClient.connect(Number(env.PORT));
    expect(await client.command('CREATE full')).toEqual(['OK']);
    expect(await client.command('PUT full disk 1')).toEqual(['OK']);
    expect(await client.command('GET full disk')).toEqual(['1', 'OK']);
    client.close();
    expect(alive(pid)).toBe(true);
    expect((await execa(bin, ['pid'], { env })).stdout).toBe(String(pid));

    // The log tries again a second later: it starts a new file and says what was lost.
    await waitFor(
      async () => {
        await rpc('process.stdout.write("probe after the outage\\n")');
        return /\[warning\] log: \d+ lines \(\d+ bytes\) could not be written to .*foo\.log\.1 since \S+ \(EFBIG\)/.test(logText(logDir));
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'the lost-lines report', details: () => logText(logDir).slice(-2000) },
    );
    const text = logText(logDir);
    const lost = Number(/log: (\d+) lines/.exec(text)![1]);
    expect(lost).toBeGreaterThan(200); // 300 lines of ~1 KB, 64 KiB written
    expect(text).toContain('probe after the outage');
    // The new file starts with the first lines of the node's life, boot banner included.
    const current = readFileSync(join(logDir, 'foo.log.1'), 'latin1');
    expect(current).toMatch(/log: the first lines of this node's life \(pid \d+\), repeated after rotation:\n[\s\S]*started on foolog@127\.0\.0\.1/);
    expect(alive(pid)).toBe(true);
    expect((await execa(bin, ['stop'], { env, reject: false })).exitCode).toBe(0);
    await waitFor(() => !alive(pid), { what: 'the daemon to exit' });
  });
});
