import { describe, expect, it } from 'vitest';
import { commandLine, quoteArgument, quoteAssignment, renderSystemdUnit, unitEnvironment, unitPath } from './systemd-unit.js';

describe('renderSystemdUnit', () => {
  it('writes a Type=notify service that starts and stops the release where it is installed', () => {
    const unit = renderSystemdUnit({
      name: 'foo',
      version: '0.0.1',
      root: '/opt/foo',
      user: 'kv',
      environment: { RELEASE_NODE: 'foo@127.0.0.1' },
      userUnit: false,
    });
    expect(unit).toBe(
      [
        '# Written by bin/foo install (kvrel). Remove it with bin/foo uninstall.',
        '[Unit]',
        'Description=foo 0.0.1 (kvrel release)',
        'After=network.target',
        '',
        '[Service]',
        'Type=notify',
        'NotifyAccess=all',
        'ExecStart=/opt/foo/bin/foo start',
        'ExecStop=/opt/foo/bin/foo stop',
        'Restart=on-failure',
        'RestartForceExitStatus=SIGHUP SIGINT SIGTERM SIGPIPE',
        'WorkingDirectory=/opt/foo',
        'User=kv',
        'Environment=RELEASE_NODE=foo@127.0.0.1',
        '',
        '[Install]',
        'WantedBy=multi-user.target',
        '',
      ].join('\n'),
    );
  });

  it('a user unit has no User= and is wanted by default.target', () => {
    const unit = renderSystemdUnit({ name: 'foo', version: '1', root: '/home/a/foo', user: 'a', environment: {}, userUnit: true });
    expect(unit).not.toContain('User=');
    expect(unit).toContain('WantedBy=default.target');
  });
});

describe('quoteArgument', () => {
  it('quotes spaces and quotes, and escapes specifiers and variables', () => {
    expect(quoteArgument('/opt/my app/bin/foo')).toBe('"/opt/my app/bin/foo"');
    expect(quoteArgument('A=say "hi"')).toBe('"A=say \\"hi\\""');
    expect(quoteArgument('/opt/100%/$HOME')).toBe('"/opt/100%%/$$HOME"');
  });
});

describe('escaping per setting (systemd.syntax(7), systemd.service(5), systemd.exec(5))', () => {
  const odd = `/srv/my app/it's "q"/$HOME/100%`;

  it('runs an executable whose path systemd would refuse through /bin/sh, quoted', () => {
    expect(commandLine('/opt/foo/bin/foo')).toBe('/opt/foo/bin/foo');
    expect(commandLine(`${odd}/bin/foo`)).toBe(`/bin/sh "/srv/my app/it's \\"q\\"/$$HOME/100%%/bin/foo"`);
  });

  it('writes WorkingDirectory= as a bare absolute path with specifiers doubled, never quoted', () => {
    expect(unitPath(odd)).toBe(`/srv/my app/it's "q"/$HOME/100%%`);
  });

  it('quotes Environment= values with C escapes and leaves $ alone (no variable expansion there)', () => {
    expect(quoteAssignment('RELEASE_TMP=/srv/a b/$x')).toBe('"RELEASE_TMP=/srv/a b/$x"');
    expect(quoteAssignment('A=back\\slash "q" 5%')).toBe('"A=back\\\\slash \\"q\\" 5%%"');
    expect(quoteAssignment('KVREL_PORT_MAPPER_PORT=4999')).toBe('KVREL_PORT_MAPPER_PORT=4999');
  });

  it('refuses a newline, which no unit file setting can hold', () => {
    expect(() => unitPath('/srv/a\nb')).toThrow(/holds a newline or NUL/);
  });
});

describe('unitEnvironment', () => {
  it('keeps KVREL_* settings and RELEASE_* values that differ from the launcher defaults, never the cookie', () => {
    const env = {
      KVREL_PORT_MAPPER_PORT: '4999',
      KVREL_DAEMON: '1',
      RELEASE_NODE: 'foo@127.0.0.1',
      RELEASE_DISTRIBUTION: 'sname',
      RELEASE_TMP: '/opt/foo/tmp',
      RELEASE_COOKIE: 'secret',
      PATH: '/usr/bin',
    };
    expect(unitEnvironment(env, { name: 'foo', root: '/opt/foo' })).toEqual({ KVREL_PORT_MAPPER_PORT: '4999', RELEASE_NODE: 'foo@127.0.0.1' });
  });
});
