/**
 * bin/<name> install / uninstall (SPEC §10): the unit passes `systemd-analyze verify` (also for a
 * release whose path holds a space, quotes, `$` and `%`: systemd.syntax(7) escaping), readiness is
 * sent to NOTIFY_SOCKET only once the applications serve, and install --user / uninstall --user
 * write, enable, disable and remove the unit (with a stand-in systemctl: no systemd runs here).
 */
import { execa } from 'execa';
import { chmodSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fooCopyForThisFile } from './helpers/foo-copy.js';
import { start } from './helpers/processes.js';
import { builtRelease } from './helpers/releases.js';
import { repoRoot } from './helpers/repo.js';
import { tempDirsForThisFile } from './helpers/temp-dirs.js';
import { waitFor } from './helpers/wait-for.js';

const foo = fooCopyForThisFile('free');
const { bin } = foo;
const tempDir = tempDirsForThisFile('kvrel-systemd');
const has = async (tool: string) => (await execa('sh', ['-c', `command -v ${tool}`], { reject: false })).exitCode === 0;

describe('install --print', () => {
  it('prints a Type=notify unit for the release where it is, run as its owner, that systemd-analyze verify accepts', async (context) => {
    const printed = await execa(bin(), ['install', '--print'], { env: foo.env });
    expect(printed.exitCode).toBe(0);
    const unit = printed.stdout;
    expect(unit).toContain('Type=notify\nNotifyAccess=all\n');
    expect(unit).toContain(
      `ExecStart=${foo.dir}/bin/foo start\nExecStop=${foo.dir}/bin/foo stop\nRestart=on-failure\nRestartForceExitStatus=SIGHUP SIGINT SIGTERM SIGPIPE\n`,
    );
    expect(unit).toContain(`User=${userInfo().username}\n`);
    expect(unit).toContain(
      `Environment=KVREL_PORT_MAPPER_PORT=${foo.env['KVREL_PORT_MAPPER_PORT']}\n` +
        'Environment=RELEASE_DISTRIBUTION=name\nEnvironment=RELEASE_NODE=foo@127.0.0.1\n',
    );
    expect(unit).not.toContain(readFileSync(join(foo.dir, 'releases', 'COOKIE'), 'utf8'));
    if (!(await has('systemd-analyze'))) return context.skip('systemd-analyze is not installed (Debian package "systemd"): the unit was not verified');
    const dir = tempDir('unit');
    writeFileSync(join(dir, 'foo.service'), `${unit}\n`);
    const verified = await execa('systemd-analyze', ['verify', join(dir, 'foo.service')], { reject: false, all: true });
    expect([verified.exitCode, verified.all]).toEqual([0, '']);
  });
});

describe('install in a folder with a space, quotes and $ in its path', () => {
  it('writes a unit systemd-analyze verify accepts, which runs bin/foo there', async () => {
    const odd = join(tempDir('unit'), `my app's "v2" $HOME 100%`, 'foo');
    cpSync(builtRelease('foo'), odd, { recursive: true });
    const printed = await execa(join(odd, 'bin', 'foo'), ['install', '--print'], { env: { ...foo.env, RELEASE_TMP: join(odd, 'tmp $x') } });
    expect(printed.exitCode).toBe(0);
    const quoted = `"${odd.replace(/%/g, '%%').replace(/\$/g, '$$$$').replace(/"/g, '\\"')}/bin/foo"`;
    expect(printed.stdout).toContain(`ExecStart=/bin/sh ${quoted} start\nExecStop=/bin/sh ${quoted} stop\n`);
    expect(printed.stdout).toContain(`WorkingDirectory=${odd.replace(/%/g, '%%')}\n`);
    expect(printed.stdout).toContain(`Environment="RELEASE_TMP=${odd.replace(/%/g, '%%').replace(/"/g, '\\"')}/tmp $x"\n`);
    const unit = join(tempDir('unit'), 'foo.service');
    writeFileSync(unit, `${printed.stdout}\n`);
    const verified = await execa('systemd-analyze', ['verify', unit], { reject: false, all: true });
    expect([verified.exitCode, verified.all]).toEqual([0, '']);
  });
});

describe('readiness', () => {
  it('sends READY=1 to NOTIFY_SOCKET once the applications serve, and only then', async (context) => {
    if (!(await has('python3'))) return context.skip('python3 is needed for the stand-in notification socket');
    if (!(await has('systemd-notify'))) return context.skip('systemd-notify is not installed (Debian package "systemd")');
    const socketPath = join(tempDir('unit'), 'notify.sock');
    const listener = start('python3', [join(repoRoot, 'test', 'fixtures', 'notify-socket-listener.py'), socketPath, foo.env['PORT']!]);
    await waitFor(() => listener.output().includes('"listening"'), { what: 'the notification socket', details: () => listener.output() });
    // A node that starts no application (eval) never reports readiness.
    expect((await execa(bin(), ['eval', '1 + 1'], { env: { ...foo.env, NOTIFY_SOCKET: socketPath } })).stdout).toBe('2');
    const node = start(bin(), ['start'], { env: { ...foo.env, NOTIFY_SOCKET: socketPath } });
    await waitFor(() => listener.output().includes('READY=1'), { what: 'READY=1', details: () => `${listener.output()}\n${node.output()}` });
    // Logged (synchronously, to a pipe) while the applications started, before readiness was sent.
    expect(node.output()).toContain(`kv-server: accepting connections on port ${foo.env['PORT']}`);
    const messages = listener
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { message?: string; served?: string | null })
      .filter((line) => line.message !== undefined);
    // The first message is the readiness, and when it came the node already served a kv client.
    expect(messages[0]).toEqual({ message: 'READY=1\nSTATUS=foo started on foo@127.0.0.1', served: 'OK\r\n' });
    expect(messages.slice(1).map((m) => m.message)).toEqual(messages.length > 1 ? ['BARRIER=1'] : []);
    expect(node.output()).not.toContain('systemd-notify');
  });
});

describe('install --user and uninstall --user', () => {
  it('write and enable the unit, then stop, disable and remove it, through systemctl --user', async () => {
    const dir = tempDir('unit');
    const fakeBin = join(dir, 'bin');
    const calls = join(dir, 'systemctl.calls');
    await execa('mkdir', ['-p', fakeBin]);
    writeFileSync(join(fakeBin, 'systemctl'), `#!/bin/sh\necho "$*" >> "${calls}"\n`);
    chmodSync(join(fakeBin, 'systemctl'), 0o755);
    const userEnv = { ...foo.env, PATH: `${fakeBin}:${process.env['PATH']}`, XDG_CONFIG_HOME: join(dir, 'config') };
    const unitFile = join(dir, 'config', 'systemd', 'user', 'foo.service');

    const installed = await execa(bin(), ['install', '--user'], { env: userEnv, reject: false });
    expect([installed.exitCode, installed.stderr]).toEqual([0, '']);
    expect(installed.stdout).toBe(`Installed ${unitFile} and enabled foo.service\n# To start it now:\n    systemctl --user start foo`);
    expect(readFileSync(unitFile, 'utf8')).toBe(`${(await execa(bin(), ['install', '--user', '--print'], { env: userEnv })).stdout}\n`);
    expect(readFileSync(unitFile, 'utf8')).toContain('WantedBy=default.target');
    expect(readFileSync(calls, 'utf8')).toBe('--user daemon-reload\n--user enable foo.service\n');

    const removed = await execa(bin(), ['uninstall', '--user'], { env: userEnv, reject: false });
    expect([removed.exitCode, removed.stdout]).toEqual([0, `Stopped and disabled foo.service; removed ${unitFile}`]);
    expect(existsSync(unitFile)).toBe(false);
    expect(readFileSync(calls, 'utf8')).toBe('--user daemon-reload\n--user enable foo.service\n--user disable --now foo.service\n--user daemon-reload\n');

    const again = await execa(bin(), ['uninstall', '--user'], { env: userEnv, reject: false });
    expect([again.exitCode, again.stderr]).toEqual([1, `ERROR: no unit ${unitFile} to remove`]);
  });

  it('refuses unknown options, naming them', async () => {
    const result = await execa(bin(), ['install', '--system'], { env: foo.env, reject: false });
    expect([result.exitCode, result.stderr]).toEqual([1, 'ERROR: install takes --user and --print, got "--system"']);
  });
});
