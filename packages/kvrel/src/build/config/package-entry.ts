/**
 * Whether packages can be imported by their names from the project root, as a bundled node imports
 * each application (`import * as KV from 'kv'`), asked of esbuild's own resolver before anything is
 * built: a package without an entry point is then reported by name instead of failing inside the
 * generated entry module.
 */
import { build, type Message, type Plugin } from 'esbuild';

/** esbuild's advice for every unresolved import, which does not apply here. */
const GENERIC_NOTE = /^You can mark the path/;

/** Resolve, but read nothing: the entry files themselves are not this check's business. */
const resolveOnly: Plugin = {
  name: 'kvrel-resolve-only',
  setup(build) {
    build.onLoad({ filter: /.*/ }, () => ({ contents: '', loader: 'js' }));
  },
};

/** The packages among `names` that do not resolve from `root`, with esbuild's reason. */
export async function unresolvedPackages(root: string, names: readonly string[]): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  if (names.length === 0) return failures;
  try {
    await build({
      stdin: { contents: names.map((name) => `import ${JSON.stringify(name)};`).join('\n'), resolveDir: root, loader: 'js' },
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
      plugins: [resolveOnly],
    });
  } catch (error) {
    for (const message of (error as { errors?: Message[] }).errors ?? []) {
      const name = /^Could not resolve "(.+)"$/.exec(message.text)?.[1];
      if (name === undefined || !names.includes(name)) throw error;
      const notes = message.notes.map((n) => n.text.replace(/:$/, '')).filter((t) => !GENERIC_NOTE.test(t));
      failures.set(name, [message.text, ...notes].join(': '));
    }
  }
  return failures;
}
