/**
 * Reads a command line as `node` would, for a release's executable started the way code started
 * `node`: `child_process.fork(file)` and `node:cluster` run `process.execPath [execArgv] file [args]`,
 * and in a release process.execPath is the release's executable (Node's SEA docs: a fork runs the
 * executable again). Options before the script are node's; what is after it belongs to the script.
 */
export type NodeCommandLine =
  | { readonly kind: 'script'; readonly script: string; readonly args: readonly string[]; readonly preload: readonly Preload[] }
  | { readonly kind: 'eval'; readonly code: string; readonly print: boolean; readonly args: readonly string[]; readonly preload: readonly Preload[] }
  | { readonly kind: 'version' };

export interface Preload {
  readonly how: 'require' | 'import';
  readonly specifier: string;
}

/** node's options that take their value as the next argument (when not written `--x=value`). */
const TAKES_VALUE = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '-C',
  '--conditions',
  '--input-type',
  '--title',
  '--env-file',
  '--inspect-port',
  '--debug-port',
  '--disable-warning',
  '--max-old-space-size',
  '--stack-size',
  '--experimental-default-type',
  '--watch-path',
  '--test-reporter',
  '--test-reporter-destination',
]);

/**
 * undefined when `args` is not a node command line: it has no script, no -e/-p and no --version.
 * Other options are accepted and have no effect: the release's own vm.args apply to every process
 * its executable runs, and process-level flags cannot change once the process runs.
 */
export function parseNodeCommandLine(args: readonly string[]): NodeCommandLine | undefined {
  const preload: Preload[] = [];
  let evaluate: { code: string; print: boolean } | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return args[i + 1] === undefined ? undefined : { kind: 'script', script: args[i + 1]!, args: args.slice(i + 2), preload };
    if (!arg.startsWith('-') || arg === '-') {
      if (evaluate) return { kind: 'eval', ...evaluate, args: args.slice(i), preload };
      return arg === '-' ? undefined : { kind: 'script', script: arg, args: args.slice(i + 1), preload };
    }
    if (arg === '-v' || arg === '--version') return { kind: 'version' };
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const value = eq === -1 ? args[i + 1] : arg.slice(eq + 1);
    if (name === '-e' || name === '--eval' || name === '-p' || name === '--print') {
      if (value === undefined) return undefined;
      evaluate = { code: value, print: name === '-p' || name === '--print' };
      if (eq === -1) i++;
      continue;
    }
    if (name === '-r' || name === '--require' || name === '--import') {
      if (value === undefined) return undefined;
      preload.push({ how: name === '--import' ? 'import' : 'require', specifier: value });
    }
    if (eq === -1 && TAKES_VALUE.has(name)) i++;
  }
  return evaluate ? { kind: 'eval', ...evaluate, args: [], preload } : undefined;
}
