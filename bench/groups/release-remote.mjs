// Issue 5: `bin/foo rpc "1+1"` and `bin/foo pid` round trips against a running foo with distribution
// (name mode, a port mapper port of the bench's own); skipped with the reason while that does not work.
import { startReleaseNode } from '../lib/kv-node.mjs';
import { allocatePortMapperPort, stopPortMapper } from '../lib/port-mapper.mjs';
import { stopProcess } from '../lib/processes.mjs';
import { RELEASE_REFERENCES as REF } from '../lib/references.mjs';
import { summary } from '../lib/summary.mjs';
import { timedCommand } from '../lib/timed-command.mjs';

/** `bin/foo rpc "1+1"` and `bin/foo pid` against a running foo with distribution; skipped with the reason when that does not work yet. */
export async function remoteRoundTrips({ dir, bin, repeats, ms, skipped, commands, log }) {
  const mapperPort = await allocatePortMapperPort();
  const env = { RELEASE_DISTRIBUTION: 'name', RELEASE_NODE: 'foo@127.0.0.1', KVREL_PORT_MAPPER_PORT: String(mapperPort) };
  const clientEnv = { ...process.env, ...env };
  let node;
  try {
    try {
      node = await startReleaseNode({ releaseDir: dir, env });
    } catch (error) {
      skipped.push(`bin/foo rpc / pid skipped: bin/foo start with RELEASE_DISTRIBUTION=name failed: ${lastLine(error.message)}`);
      return [];
    }
    const first = await timedCommand(bin, ['rpc', '1+1'], { env: clientEnv });
    if (first.status.code !== 0 || first.output.trim() !== '2') {
      skipped.push(`bin/foo rpc / pid skipped: bin/foo rpc "1+1" gave ${JSON.stringify(lastLine(first.output))} (exit ${first.status.code})`);
      return [];
    }
    log(`release: bin/foo rpc "1+1" and bin/foo pid, ${repeats} runs each`);
    const rpc = [];
    const pid = [];
    for (let i = 0; i < repeats; i++) {
      const r = await timedCommand(bin, ['rpc', '1+1'], { env: clientEnv });
      if (r.status.code !== 0 || r.output.trim() !== '2') throw new Error(`bin/foo rpc "1+1" gave ${JSON.stringify(r.output.trim())}`);
      rpc.push(r.ms);
      const p = await timedCommand(bin, ['pid'], { env: clientEnv });
      if (p.status.code !== 0 || p.output.trim() !== String(node.pid))
        throw new Error(`bin/foo pid gave ${JSON.stringify(p.output.trim())}, expected ${node.pid}`);
      pid.push(p.ms);
    }
    commands.push('RELEASE_DISTRIBUTION=name RELEASE_NODE=foo@127.0.0.1 KVREL_PORT_MAPPER_PORT=<free> <tmp>/foo/bin/foo rpc "1+1" | pid');
    return [
      { figure: 'bin/foo rpc "1+1" round trip', ...ms(summary(rpc)), ...REF.rpc },
      { figure: 'bin/foo pid round trip', ...ms(summary(pid)), ...REF.pid },
    ];
  } finally {
    if (node) await stopProcess(node.child);
    await stopPortMapper(mapperPort);
  }
}

function lastLine(text) {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? '';
}
