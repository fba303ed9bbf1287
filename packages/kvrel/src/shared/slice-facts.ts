/**
 * How the node's code travels in a release: inside the executable, as a SEA asset with its source map
 * inline, when the base Node can serve it through module hooks (the build decides, the launcher serves);
 * else as releases/<vsn>/lib/node.mjs on disk.
 */

/** module.registerHooks: Node 22.15+ and 23.5+; a --node binary may predate it. */
export function servesSliceFromExecutable(nodeVersion: string): boolean {
  const [major = 0, minor = 0] = nodeVersion.replace(/^v/, '').split('.').map(Number);
  return major >= 24 || (major === 23 && minor >= 5) || (major === 22 && minor >= 15);
}

/** The asset's text: the bundle with its source map inline, where Node finds it for a module with no file. */
export function withInlineSourceMap(bundle: string, map: string): string {
  const body = bundle.replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, '\n');
  return `${body}//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}\n`;
}
