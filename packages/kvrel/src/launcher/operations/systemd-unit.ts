/**
 * The systemd unit of an installed release (pure). Type=notify: the node reports READY=1 once its
 * applications have started (the runtime's systemd-notify.ts), through `systemd-notify`, a child of
 * the node, hence NotifyAccess=all. ExecStop is `bin/<name> stop`, which returns once the node has
 * exited; Restart=on-failure brings back a node that stopped abnormally (a permanent application
 * that crashed past its restart intensity, a death by signal: the node exits 128 + its number, and
 * RestartForceExitStatus covers the signals systemd otherwise counts as clean).
 */
import { UserError } from '../../shared/user-error.js';

export interface SystemdUnitOptions {
  readonly name: string;
  readonly version: string;
  /** Where the release is installed (RELEASE_ROOT). */
  readonly root: string;
  /** The user the node runs as (system units); a user unit runs as its user. */
  readonly user?: string;
  /** Variables the launcher would not set by itself (the caller's overrides). */
  readonly environment: Readonly<Record<string, string>>;
  /** A user unit (systemctl --user) rather than a system one. */
  readonly userUnit: boolean;
}

export function renderSystemdUnit(options: SystemdUnitOptions): string {
  const bin = commandLine(`${options.root}/bin/${options.name}`);
  const lines = [
    `# Written by bin/${options.name} install (kvrel). Remove it with bin/${options.name} uninstall.`,
    '[Unit]',
    `Description=${escapeSpecifiers(`${options.name} ${options.version} (kvrel release)`)}`,
    'After=network.target',
    '',
    '[Service]',
    'Type=notify',
    'NotifyAccess=all',
    `ExecStart=${bin} start`,
    `ExecStop=${bin} stop`,
    'Restart=on-failure',
    // A node that died of one of these "clean" signals (before its handlers were in place) is restarted
    // too; a node stopped on purpose exits 0 (SIGTERM handled) and systemctl stop is never restarted.
    'RestartForceExitStatus=SIGHUP SIGINT SIGTERM SIGPIPE',
    `WorkingDirectory=${unitPath(options.root)}`,
    ...(options.user && !options.userUnit ? [`User=${options.user}`] : []),
    ...Object.entries(options.environment).map(([key, value]) => `Environment=${quoteAssignment(`${key}=${value}`)}`),
    '',
    '[Install]',
    `WantedBy=${options.userUnit ? 'default.target' : 'multi-user.target'}`,
    '',
  ];
  return lines.join('\n');
}

/** `%` starts a specifier in every setting of a unit file: `%%` is a literal one. */
function escapeSpecifiers(text: string): string {
  return text.replace(/%/g, '%%');
}

/** Characters a unit file cannot hold in a value at all (a newline ends the setting). */
function assertOneLine(text: string): void {
  if (/[\n\r\0]/.test(text))
    throw new UserError(
      'KVREL_UNPRINTABLE_PATH',
      `${JSON.stringify(text)} holds a newline or NUL, which a systemd unit cannot hold; move the release to a plainer path`,
    );
}

/** A word quoted with C escapes, as systemd unquotes command lines and Environment= (systemd.syntax(7)). */
function quoteWord(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * One word of ExecStart=/ExecStop= (systemd.service(5) "Command lines"): specifiers and `$` (variable
 * expansion) doubled, quoted when it holds anything beyond a plain path.
 */
export function quoteArgument(text: string): string {
  assertOneLine(text);
  const escaped = escapeSpecifiers(text).replace(/\$/g, '$$$$');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped) ? escaped : quoteWord(escaped);
}

/**
 * `<executable> <args>` for ExecStart=: systemd takes the executable word unquoted and refuses one
 * with a space, quote or backslash ("Executable name contains special characters"), so such a path
 * is handed to /bin/sh as an argument (bin/<name> is a POSIX sh script; its `exec` keeps the node
 * the service's main process).
 */
export function commandLine(executable: string): string {
  assertOneLine(executable);
  return /^[A-Za-z0-9_@+=:,./-]+$/.test(executable) ? escapeSpecifiers(executable) : `/bin/sh ${quoteArgument(executable)}`;
}

/** An absolute path for WorkingDirectory=: taken as it is (no quotes, no `$`), specifiers doubled. */
export function unitPath(path: string): string {
  assertOneLine(path);
  return escapeSpecifiers(path);
}

/** `KEY=value` for Environment=: quoted with C escapes, specifiers doubled; `$` means nothing there. */
export function quoteAssignment(text: string): string {
  assertOneLine(text);
  const escaped = escapeSpecifiers(text);
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped) ? escaped : quoteWord(escaped);
}

/**
 * The caller's variables worth keeping in the unit: KVREL_* settings and the RELEASE_* ones that
 * differ from what bin/<name> would choose. env.sh is sourced at every start, so its own settings
 * need no copy; the cookie stays in releases/COOKIE, never in a unit file others can read.
 */
export function unitEnvironment(env: NodeJS.ProcessEnv, release: { name: string; root: string }): Record<string, string> {
  const kept: Record<string, string> = {};
  const internal = new Set(['KVREL_DAEMON', 'KVREL_RUN_PORT_MAPPER', 'KVREL_DEBUG']);
  const defaults: Record<string, string> = {
    RELEASE_NODE: release.name,
    RELEASE_DISTRIBUTION: 'sname',
    RELEASE_TMP: `${release.root}/tmp`,
  };
  for (const [key, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (value === undefined) continue;
    if (key.startsWith('KVREL_') && !internal.has(key)) kept[key] = value;
    else if (key in defaults && value !== defaults[key]) kept[key] = value;
  }
  return kept;
}
