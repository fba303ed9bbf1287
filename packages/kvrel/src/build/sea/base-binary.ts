import { access, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import { envWithoutNodeOptions, formatExit, runProcess } from '../process/run-process.js';
import { SeaError, firstLine } from './sea-error.js';
import type { VmArgsVia } from '../../shared/manifest.js';
import type { Target } from './targets.js';
import type { EmbeddedNodeRuntime } from './embedded-node.js';

/** What a candidate base binary (the embedded Node or `--node PATH`) can do, as it reports itself. */
export interface NodeBinaryInfo {
  /** Absolute path as given (symlinks are kept: the user named this file). */
  path: string;
  /** `v24.21.0` */
  version: string;
  major: number;
  minor: number;
  patch: number;
  platform: string;
  arch: string;
  /** Can make SEAs: Node 20 or later, built with SEA support (`--experimental-sea-config`). */
  supportsSea: boolean;
  /** Honours `execArgv` / `execArgvExtension` in sea-config (24.7+; Node 20 silently ignores them). */
  supportsExecArgv: boolean;
  /** Writes the executable itself with `node --build-sea` (25.5+): no blob file, no postject. */
  supportsBuildSea: boolean;
}

/** The Node binary a release embeds, and how bin/<name> hands it vm.args. */
export interface BaseBinary {
  readonly path: string;
  readonly info: NodeBinaryInfo;
  readonly vmArgsVia: VmArgsVia;
  /** true: a pinned Node from kvrel's cache (`runtime` says which). */
  readonly embedded: boolean;
  readonly runtime?: EmbeddedNodeRuntime;
  /** The platform the base is for (the release's target). */
  readonly target: Target;
  /** Whether the base runs on this machine: natively, under an emulator (qemu-user), or not at all. */
  readonly runs: 'native' | 'emulated' | 'no';
  /** The Node that writes the executable (`--build-sea`): the base itself when it runs here, else the host's Node of its version. */
  readonly builder: string;
}

export interface NodeVersion {
  major: number;
  minor: number;
  patch: number;
}

/** `v24.21.0` → { 24, 21, 0 }; undefined for anything else. */
export function parseNodeVersion(version: string): NodeVersion | undefined {
  const match = /^v(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** `node --build-sea` shipped in 25.5.0 (measured present in 26.10 and 26.12, absent in 24.21). */
export function supportsBuildSea({ major, minor }: NodeVersion): boolean {
  return major > 25 || (major === 25 && minor >= 5);
}

/**
 * execArgv (nodejs/node#59314) and execArgvExtension (#59560) shipped together in 24.7.0. The 22.x
 * backport's version is not verified, so 22 counts as unsupported: refusing beats silently ignoring.
 */
export function supportsExecArgv({ major, minor }: NodeVersion): boolean {
  return major > 24 || (major === 24 && minor >= 7);
}

/** Takes --disable-sigusr1 (23.7+, backported to 22.14), with which a release turns Node's SIGUSR1 inspector off. */
export function supportsDisableSigusr1({ major, minor }: NodeVersion): boolean {
  return major > 23 || (major === 23 && minor >= 7) || (major === 22 && minor >= 14);
}

// Runs in the candidate binary: any Node answers, even one without node:sea (it throws there).
const PROBE = `let seaModule = false;
try { seaModule = typeof require('node:sea').isSea === 'function'; } catch {}
process.stdout.write(JSON.stringify({
  version: process.version, platform: process.platform, arch: process.arch, seaModule,
  seaBuild: process.config && process.config.variables ? process.config.variables.single_executable_application : undefined,
}));`;

interface ProbeAnswer {
  version: string;
  platform: string;
  arch: string;
  seaModule: boolean;
  seaBuild: unknown;
}

/** Runs the binary once (~40 ms) and reports its version and SEA capabilities. Throws if it is no Node. */
export async function inspectNodeBinary(binary: string): Promise<NodeBinaryInfo> {
  const path = resolve(binary);
  const unusable = (reason: string): SeaError =>
    new SeaError('KVREL_NODE_BINARY_UNUSABLE', `node binary ${path} ${reason}; pass --node PATH to a Node 20 or later binary (Node 26 LTS recommended)`);
  try {
    await access(path, constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw unusable(code === 'ENOENT' ? 'does not exist' : `is not executable (${code})`);
  }
  let answer: ProbeAnswer;
  try {
    const result = await runProcess(path, ['-e', PROBE], { env: envWithoutNodeOptions(), timeoutMs: 30_000 });
    if (result.exitCode !== 0) {
      throw unusable(`could not be run: it ${formatExit(result, 30_000)} (${firstLine(result.stderr)})`);
    }
    answer = parseProbeAnswer(result.stdout);
  } catch (error) {
    if (error instanceof SeaError) throw error;
    if (error instanceof SyntaxError) throw unusable('did not answer as Node does (is it a Node binary, not a SEA?)');
    throw unusable(`could not be run (${(error as Error).message})`);
  }
  const parsed = parseNodeVersion(answer.version);
  if (!parsed) throw unusable(`reports an unknown version ${JSON.stringify(answer.version)}`);
  return {
    path,
    version: answer.version,
    ...parsed,
    platform: answer.platform,
    arch: answer.arch,
    supportsSea: parsed.major >= 20 && (answer.seaModule || answer.seaBuild === true) && answer.seaBuild !== false,
    supportsExecArgv: supportsExecArgv(parsed),
    supportsBuildSea: supportsBuildSea(parsed),
  };
}

function parseProbeAnswer(stdout: string): ProbeAnswer {
  const value = JSON.parse(stdout) as Partial<ProbeAnswer> | null;
  if (typeof value?.version !== 'string') throw new SyntaxError('no version in the probe answer');
  return {
    version: value.version,
    platform: String(value.platform),
    arch: String(value.arch),
    seaModule: value.seaModule === true,
    seaBuild: value.seaBuild,
  };
}

/** Refuses a binary that cannot make SEAs, naming its path and version. */
export function assertSeaSupport(info: NodeBinaryInfo): void {
  if (info.supportsSea) return;
  const reason =
    info.major < 20
      ? 'cannot build single executable applications; use Node 20 or later (Node 26 LTS recommended)'
      : 'was built without single executable application support; use an official Node build (Node 26 LTS recommended)';
  throw new SeaError('KVREL_NODE_NO_SEA', `node binary ${info.path} (${info.version}) ${reason}`);
}

/** Refuses execArgv for a binary that would silently ignore it (Node 20, 22, 24.0–24.6). */
export function assertExecArgvSupport(info: NodeBinaryInfo, what: string): void {
  if (info.supportsExecArgv) return;
  throw new SeaError(
    'KVREL_NODE_NO_EXEC_ARGV',
    `node binary ${info.path} (${info.version}) ignores ${what} in sea-config; use Node 24.7 or later ` +
      '(the embedded Node 26 LTS does) or leave vm.args empty',
  );
}
