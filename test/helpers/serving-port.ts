/**
 * The port a kv-server really listens on, from its log line `accepting connections on port N`: tests
 * start nodes with PORT=0 and read it, instead of picking a free port a child binds seconds later.
 * The last line wins (restarted applications listen again, on a new port when PORT=0).
 */
export function servingPort(output: string): number | undefined {
  const last = [...output.matchAll(/accepting connections on port (\d+)/g)].at(-1);
  return last ? Number(last[1]) : undefined;
}
