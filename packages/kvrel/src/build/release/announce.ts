/** What `kvrel release` prints once the release is assembled (Mix's announce/1). */
import { relative } from 'node:path';
import type { Release } from './release.js';

export function formatAnnouncement(release: Release, cwd: string, tarFile?: string): string {
  const shown = relative(cwd, release.path) || '.';
  const bin = `${shown}/bin/${release.name}`;
  const lines = [
    '',
    `Release created at ${shown}`,
    ...(tarFile ? [`Tarball created at ${relative(cwd, tarFile)}`] : []),
    '',
    '    # To start your system',
    `    ${bin} start`,
    '',
    'Once the release is running:',
    '',
    '    # To connect to it remotely',
    `    ${bin} remote`,
    '',
    '    # To stop it gracefully (you may also send SIGINT/SIGTERM)',
    `    ${bin} stop`,
    '',
    'To list all commands:',
    '',
    `    ${bin}`,
    '',
  ];
  return lines.join('\n');
}
