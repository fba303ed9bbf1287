/**
 * Loads each native addon with the release's own Node binary (not the SEA: this runs before the
 * executable exists) and reports which fail and why. An addon compiled for another Node ABI fails
 * with "NODE_MODULE_VERSION 115 ... requires NODE_MODULE_VERSION 137".
 */
import { runProcess } from '../process/run-process.js';
import { envWithoutNodeOptions, formatExit } from '../process/run-process.js';

export interface AddonLoadFailure {
  readonly file: string;
  readonly reason: string;
  /** Set when the addon was built for another Node ABI: the ABI it was built for and the one needed. */
  readonly abi?: { readonly builtFor: number; readonly needed: number };
}

const LOAD_EACH = `
const results = [];
for (const file of process.argv.slice(1)) {
  try { process.dlopen({ exports: {} }, file); results.push(null); }
  catch (error) { results.push(String(error && error.message || error).replace(/\\s*\\n\\s*/g, ' ')); }
}
process.stdout.write(JSON.stringify(results));
`;

export async function checkAddons(nodeBinary: string, files: readonly string[]): Promise<AddonLoadFailure[]> {
  if (files.length === 0) return [];
  const result = await runProcess(nodeBinary, ['-e', LOAD_EACH, ...files], { env: envWithoutNodeOptions(), timeoutMs: 60_000 });
  if (result.exitCode !== 0)
    throw new Error(`${nodeBinary} ${formatExit(result, 60_000)} while loading native addons: ${result.stderr.trim().split('\n')[0] ?? ''}`);
  const reasons = JSON.parse(result.stdout) as Array<string | null>;
  const failures: AddonLoadFailure[] = [];
  files.forEach((file, i) => {
    const reason = reasons[i];
    if (!reason) return;
    const abi = parseAbiMismatch(reason);
    failures.push({ file, reason, ...(abi ? { abi } : {}) });
  });
  return failures;
}

/** From Node's "compiled against ... NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 137." */
export function parseAbiMismatch(reason: string): { builtFor: number; needed: number } | undefined {
  const versions = /NODE_MODULE_VERSION (\d+)\..*NODE_MODULE_VERSION (\d+)/.exec(reason);
  return versions ? { builtFor: Number(versions[1]), needed: Number(versions[2]) } : undefined;
}
