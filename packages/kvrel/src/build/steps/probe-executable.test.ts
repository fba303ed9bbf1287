import { describe, expect, it } from 'vitest';
import { parseVmArgs } from './probe-executable.js';

describe('parseVmArgs', () => {
  it('reads one option per line as bin/<name> does: trimmed, no blanks, no comments', () => {
    expect(parseVmArgs('## heading\n  --max-old-space-size=512  \n\n# --enable-source-maps\n--stack-size=2000')).toEqual([
      '--max-old-space-size=512',
      '--stack-size=2000',
    ]);
  });
});
