// Issue 3: resident memory per stored key. Start a node, read VmRSS once it settles, store N keys of
// 16-byte values (pipelined PUTs over 4 connections, kvload's key and bucket names), close the
// connections, force nothing, read VmRSS again once it settles: bytes per key = ΔRSS / N. The wait
// lasts at least 15 s: Node 24's heap shrinks ~8 s after the store ends (V8's memory reducer).
import { runLoad } from '../load/load-generator.mjs';
import { benchRelease } from '../lib/bench-release.mjs';
import { durations } from '../lib/durations.mjs';
import { startReleaseNode, startSourceNode } from '../lib/kv-node.mjs';
import { stopProcess } from '../lib/processes.mjs';
import { MEMORY_REFERENCE } from '../lib/references.mjs';
import { settledRssBytes } from '../lib/rss.mjs';

const COLUMNS = [
  { key: 'node', label: 'node' },
  { key: 'keys', label: 'keys' },
  { key: 'rssBeforeMiB', label: 'RSS before MiB' },
  { key: 'rssAfterMiB', label: 'RSS after MiB' },
  { key: 'bytesPerKeyEarly', label: 'bytes/key, first plateau' },
  { key: 'bytesPerKey', label: 'bytes/key, settled' },
  { key: 'storeSeconds', label: 'store s' },
  { key: 'elixir', label: 'Elixir' },
  { key: 'redis', label: 'Redis' },
  { key: 'target', label: 'target' },
];

export async function runMemory({ quick, log }) {
  const { memoryKeys: keys, memoryObserveS } = durations(quick);
  const rows = [];
  const commands = [];
  const skipped = [];
  const measure = async (label, start) => {
    const node = await start();
    commands.push(node.command);
    try {
      log(`memory: ${label}, storing ${keys.toLocaleString('en-US')} keys`);
      const before = await settledRssBytes(node.pid);
      const r = await runLoad({ port: node.port, clients: 4, preloadPipeline: 64, keys, buckets: 26, durationS: 0, warmupS: 0, preloadTimeoutS: 120 });
      if (r.errors > 0) throw new Error(`memory: ${r.errors} error(s) while storing keys (${r.firstError})`);
      const after = await settledRssBytes(node.pid, { minMs: memoryObserveS * 1000, windowMs: 2000, timeoutMs: memoryObserveS * 1000 + 10_000 });
      const mib = (b) => Math.round((b / 2 ** 20) * 10) / 10;
      const perKey = (b) => Math.round(((b - before.bytes) / keys) * 10) / 10;
      rows.push({
        node: label,
        keys,
        rssBeforeMiB: mib(before.bytes),
        rssAfterMiB: mib(after.bytes),
        bytesPerKey: perKey(after.bytes),
        bytesPerKeyEarly: perKey(after.early ?? after.bytes),
        settled: before.settled && after.settled,
        storeSeconds: r.preload.seconds,
        ...MEMORY_REFERENCE,
      });
    } finally {
      await stopProcess(node.child);
    }
  };
  await measure('kvrel run (the embedded Node 26)', () => startSourceNode());
  try {
    const releaseDir = await benchRelease();
    await measure('release foo (Node 26 SEA)', () => startReleaseNode({ releaseDir }));
  } catch (error) {
    skipped.push(`release foo: ${error.message.split('\n')[0]}`);
  }
  return { title: `memory (issue 3): RSS per stored key, ${keys.toLocaleString('en-US')} keys of 16 B`, columns: COLUMNS, rows, skipped, commands };
}
