/**
 * What `npm pack` puts in the two publishable packages: everything an installed kvrel needs (the CLI
 * bundle, the compiled library with its types, the release entry it bundles into every release, the
 * templates), and nothing of this repository (sources, tests, build info). The end-to-end proof that
 * they install and work is any-project.test.ts.
 */
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/repo.js';

interface Packed {
  readonly name: string;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

async function packed(): Promise<Map<string, string[]>> {
  const result = await execa('npm', ['pack', '--dry-run', '--json', '--workspace', 'kvrel', '--workspace', '@kvrel/runtime'], { cwd: repoRoot });
  const packages = JSON.parse(result.stdout) as Packed[];
  return new Map(packages.map((p) => [p.name, p.files.map((f) => f.path)]));
}

const notShipped = (files: readonly string[]) =>
  files.filter((f) => f.startsWith('src/') || f.includes('.test.') || f.includes('tsbuildinfo') || f.startsWith('scripts/'));

describe('npm pack', () => {
  let contents: Map<string, string[]>;

  beforeAll(async () => {
    contents = await packed();
  });

  it('kvrel: the CLI bundle, compiled modules with types and source maps, the release entry, the templates', () => {
    const files = contents.get('kvrel')!;
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/bin/kvrel.cjs',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/index.js.map',
        'dist/node/release-node-main.js',
        'dist/node/boot-node.js',
        'dist/launcher/launcher-entry.js',
        'templates/bin.sh.eex',
        'templates/env.sh.eex',
        'templates/vm.args.eex',
        'templates/remote.vm.args.eex',
      ]),
    );
    expect(notShipped(files)).toEqual([]);
  });

  it('@kvrel/runtime: compiled modules with types for its exports', () => {
    const files = contents.get('@kvrel/runtime')!;
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/boot.js', 'dist/boot.d.ts']));
    expect(notShipped(files)).toEqual([]);
  });
});
