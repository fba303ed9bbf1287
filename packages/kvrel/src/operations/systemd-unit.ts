/**
 * The systemd unit of an installed release (pure). Type=notify: the node reports READY=1 once its
 * applications have started (the runtime's systemd-notify.ts), through `systemd-notify`, a child of
 * the node, hence NotifyAccess=all. ExecStop is `bin/<name> stop`, which returns once the node has
 * exited; Restart=on-failure brings back a node that stopped abnormally (a permanent application
 * that crashed past its restart intensity, a death by signal: the node exits 128 + its number, and
 * RestartForceExitStatus covers the signals systemd otherwise counts as clean).
 */
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
  const bin = quoteArgument(`${options.root}/bin/${options.name}`);
  const lines = [
    '# Written by bin/' + options.name + ' install (kvrel). Remove it with bin/' + options.name + ' uninstall.',
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
    `WorkingDirectory=${quoteArgument(options.root)}`,
    ...(options.user && !options.userUnit ? [`User=${options.user}`] : []),
    ...Object.entries(options.environment).map(([key, value]) => `Environment=${quoteArgument(`${key}=${value}`)}`),
    '',
    '[Install]',
    `WantedBy=${options.userUnit ? 'default.target' : 'multi-user.target'}`,
    '',
  ];
  return lines.join('\n');
}

/** `%` starts a specifier in unit files: `%%` is a literal one. */
function escapeSpecifiers(text: string): string {
  return text.replace(/%/g, '%%');
}

/** One word of a command line or an assignment, quoted when it needs to be (systemd.syntax(7)). */
export function quoteArgument(text: string): string {
  const escaped = escapeSpecifiers(text).replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
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
