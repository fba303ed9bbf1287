/** A PATH with only what a release's POSIX launcher needs, and no `node`: releases must carry their own. */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const LAUNCHER_TOOLS = ['sh', 'sed', 'tr', 'cat', 'dirname', 'basename', 'readlink'];

/** Creates `<parent>/path-without-node` (symlinks to the system's tools) and returns it. */
export function pathWithoutNode(parent: string): string {
  const bin = join(parent, 'path-without-node');
  mkdirSync(bin, { recursive: true });
  for (const tool of LAUNCHER_TOOLS) {
    const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (found && !existsSync(join(bin, tool))) symlinkSync(found, join(bin, tool));
  }
  return bin;
}
