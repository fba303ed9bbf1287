/**
 * `bin/<name> install [--user] [--print]` and `uninstall [--user]` (Linux, systemd): writes the unit
 * of systemd-unit.ts for the release where it is, then `systemctl daemon-reload` and `enable`;
 * `--print` shows the unit and changes nothing. A system unit runs as the owner of the release.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { ReleaseContext } from '../../shared/release-context.js';
import { renderSystemdUnit, unitEnvironment } from './systemd-unit.js';

interface InstallOptions {
  readonly userUnit: boolean;
  readonly print: boolean;
}

function parseInstallArguments(command: 'install' | 'uninstall', args: readonly string[]): InstallOptions | string {
  const allowed = command === 'install' ? ['--user', '--print'] : ['--user'];
  const unknown = args.find((arg) => !allowed.includes(arg));
  if (unknown !== undefined) return `${command} takes ${allowed.join(' and ')}, got ${JSON.stringify(unknown)}`;
  return { userUnit: args.includes('--user'), print: args.includes('--print') };
}

/** Where the unit goes: /etc/systemd/system, or the user's ~/.config/systemd/user. */
function unitPath(name: string, userUnit: boolean, env: NodeJS.ProcessEnv): string {
  const dir = userUnit ? join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'systemd', 'user') : '/etc/systemd/system';
  return join(dir, `${name}.service`);
}

/** The release folder's owner, by name when /etc/passwd knows it (systemd also takes a number). */
function ownerOf(root: string): string {
  const uid = statSync(root).uid;
  if (uid === process.getuid?.()) return userInfo().username;
  try {
    const entry = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .find((fields) => fields[2] === String(uid));
    if (entry?.[0]) return entry[0];
  } catch {
    // No readable passwd: the number will do.
  }
  return String(uid);
}

function systemctl(userUnit: boolean, args: readonly string[]): string | undefined {
  const result = spawnSync('systemctl', [...(userUnit ? ['--user'] : []), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'systemctl was not found: this host does not run systemd (install --print shows the unit)' : result.error.message;
  }
  if (result.status !== 0) return `systemctl ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim()}`;
  return undefined;
}

export function installCommand(args: readonly string[], context: ReleaseContext, env: NodeJS.ProcessEnv = process.env): number {
  const options = parseInstallArguments('install', args);
  if (typeof options === 'string') return fail(options);
  if (process.platform !== 'linux') return fail(`install writes a systemd unit and works on Linux only (this is ${process.platform})`);
  const { name, version } = context.manifest;
  const unit = renderSystemdUnit({
    name,
    version,
    root: context.root,
    user: ownerOf(context.root),
    environment: unitEnvironment(env, { name, root: context.root }),
    userUnit: options.userUnit,
  });
  if (options.print) {
    process.stdout.write(unit);
    return 0;
  }
  const path = unitPath(name, options.userUnit, env);
  const existed = existsSync(path);
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, unit, { mode: 0o644 });
  } catch (error) {
    const hint = options.userUnit ? '' : '; run it as root, or pass --user for a unit of your own';
    return fail(`could not write ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})${hint}`);
  }
  const failure = systemctl(options.userUnit, ['daemon-reload']) ?? systemctl(options.userUnit, ['enable', `${name}.service`]);
  if (failure) return fail(`${path} was written, but ${failure}`);
  const ctl = options.userUnit ? 'systemctl --user' : 'systemctl';
  process.stdout.write(`${existed ? 'Updated' : 'Installed'} ${path} and enabled ${name}.service\n# To start it now:\n    ${ctl} start ${name}\n`);
  return 0;
}

export function uninstallCommand(args: readonly string[], context: ReleaseContext, env: NodeJS.ProcessEnv = process.env): number {
  const options = parseInstallArguments('uninstall', args);
  if (typeof options === 'string') return fail(options);
  const { name } = context.manifest;
  const path = unitPath(name, options.userUnit, env);
  if (!existsSync(path)) return fail(`no unit ${path} to remove${options.userUnit ? '' : ' (was it installed with --user?)'}`);
  // Stops the service too: a unit removed under a running node would leave it unmanaged.
  const failure = systemctl(options.userUnit, ['disable', '--now', `${name}.service`]);
  if (failure) return fail(failure);
  rmSync(path, { force: true });
  const reload = systemctl(options.userUnit, ['daemon-reload']);
  if (reload) return fail(`${path} was removed, but ${reload}`);
  process.stdout.write(`Stopped and disabled ${name}.service; removed ${path}\n`);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`ERROR: ${message}\n`);
  return 1;
}
