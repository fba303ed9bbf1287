/**
 * What the node's code (the slice the executable carries) exports to the launcher: the one call through
 * which start, start_iex, eval and the build's probe enter it. The launcher knows only this type.
 */
import type { ReleaseContext } from './release-context.js';

export interface ReleaseNodeModule {
  runReleaseNode(command: string, args: readonly string[], context: ReleaseContext): Promise<number | undefined>;
}
