/** The tree passes `npm run lint`: Biome's formatter and linter (biome.json), and no line over its width. */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/repo.js';

describe('npm run lint', () => {
  it('finds nothing', async () => {
    const lint = await execa('npm', ['run', 'lint', '--silent'], { cwd: repoRoot, reject: false, all: true });
    expect(lint.all).not.toMatch(/error|over the \d+ biome\.json allows/i);
    expect(lint.exitCode, lint.all).toBe(0);
  });
});
