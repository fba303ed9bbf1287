/**
 * Step "writing the slice asset": the node's code as the executable carries it, with its source map
 * inline (a module served from an asset has no file beside it to find a map by). Nothing to do where
 * the base Node cannot serve it from the executable and lib/node.mjs holds it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withInlineSourceMap } from '../../shared/slice-facts.js';
import { requireFact } from '../release/release.js';
import type { ReleaseStep } from '../release/run-steps.js';

const TITLE = 'writing the slice asset';

export const writeSliceAssetStep: ReleaseStep = {
  title: TITLE,
  run: async (release) => {
    const { file, inExecutable } = requireFact(release, 'nodeBundle', TITLE);
    if (!inExecutable) return release;
    const sliceAsset = join(release.workDir, 'slice', 'node.asset.mjs');
    await writeFile(sliceAsset, withInlineSourceMap(await readFile(file, 'utf8'), await readFile(`${file}.map`, 'utf8')));
    return { ...release, sliceAsset };
  },
  summary: ({ sliceAsset }) => (sliceAsset ? undefined : 'none: lib/node.mjs holds the code'),
};
