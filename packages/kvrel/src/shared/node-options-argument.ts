/**
 * The node's own flags as the executable's first argument (`--node-options=...`, the format NODE_OPTIONS
 * parsing takes): how the daemon hands vm.args to its node and a node to the processes it starts.
 */
/** Quotes execArgv back into one --node-options value (the format NODE_OPTIONS parsing takes). */
export function nodeOptionsArgument(): string {
  const quoted = process.execArgv.map((arg) => (/[\s"]/.test(arg) ? `"${arg.replace(/(["\\])/g, '\\$1')}"` : arg));
  return `--node-options=${quoted.join(' ')}`;
}
