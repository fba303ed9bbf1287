import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeTargets, elfTarget, hostTarget, howTargetRuns, isTarget } from './targets.js';

const dir = mkdtempSync(join(tmpdir(), 'kvrel-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first 20 bytes of a 64-bit little-endian ELF file for `machine`. */
function elfHeader(machine: number): Buffer {
  const header = Buffer.alloc(64);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = 2;
  header[5] = 1;
  header[6] = 1;
  header.writeUInt16LE(2, 16);
  header.writeUInt16LE(machine, 18);
  return header;
}

describe('targets', () => {
  it('names linux-x64 and linux-arm64, and the host by its platform and arch', () => {
    expect(describeTargets()).toBe('linux-x64, linux-arm64');
    expect(isTarget('linux-arm64')).toBe(true);
    expect(isTarget('darwin-arm64')).toBe(false);
    expect(hostTarget('linux', 'arm64')).toBe('linux-arm64');
    expect(hostTarget('darwin', 'arm64')).toBeUndefined();
  });

  it("tells an ELF file's target by its machine field", () => {
    writeFileSync(join(dir, 'arm.node'), elfHeader(183));
    writeFileSync(join(dir, 'x64.node'), elfHeader(62));
    writeFileSync(join(dir, 'riscv.node'), elfHeader(243));
    writeFileSync(join(dir, 'text.node'), 'not an ELF file at all');
    expect(elfTarget(join(dir, 'arm.node'))).toBe('linux-arm64');
    expect(elfTarget(join(dir, 'x64.node'))).toBe('linux-x64');
    expect(elfTarget(join(dir, 'riscv.node'))).toBeUndefined();
    expect(elfTarget(join(dir, 'text.node'))).toBeUndefined();
    expect(elfTarget(join(dir, 'missing.node'))).toBeUndefined();
  });

  it('runs a foreign target through an enabled binfmt_misc entry for its ELF machine, else not', () => {
    const foreign = hostTarget() === 'linux-arm64' ? 'linux-x64' : 'linux-arm64';
    const magic = foreign === 'linux-arm64' ? '7f454c460201010000000000000000000200b700' : '7f454c4602010100000000000000000002003e00';
    const binfmt = mkdtempSync(join(dir, 'binfmt-'));
    writeFileSync(join(binfmt, 'status'), 'enabled\n');
    expect(howTargetRuns(foreign, binfmt)).toBe('no');
    writeFileSync(join(binfmt, 'qemu'), `disabled\ninterpreter /usr/libexec/qemu-binfmt/x\nflags: PF\noffset 0\nmagic ${magic}\n`);
    expect(howTargetRuns(foreign, binfmt)).toBe('no');
    writeFileSync(join(binfmt, 'qemu'), `enabled\ninterpreter /usr/libexec/qemu-binfmt/x\nflags: PF\noffset 0\nmagic ${magic}\n`);
    expect(howTargetRuns(foreign, binfmt)).toBe('emulated');
    expect(howTargetRuns(foreign, join(dir, 'no-binfmt'))).toBe('no');
    expect(howTargetRuns(hostTarget()!, join(dir, 'no-binfmt'))).toBe('native');
  });
});
