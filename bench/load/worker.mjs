// A worker thread driving a slice of the clients. The main thread (load-generator.mjs) steps it
// through the phases with messages; each answer carries that phase's stats.
import { parentPort, workerData } from 'node:worker_threads';
import { LoadClient } from './client.mjs';
import { createStats } from './load-stats.mjs';

const { port, clientIndexes, clients, pipeline, preloadPipeline, keyspace, ratio, acked } = workerData;
let stats = createStats();
const connections = clientIndexes.map(
  (index) =>
    new LoadClient({
      port,
      index,
      stride: clients,
      buckets: keyspace.buckets,
      keys: keyspace.keys,
      keyPrefix: keyspace.keyPrefix,
      valueSize: keyspace.valueSize,
      pipeline: Math.max(pipeline, preloadPipeline),
      ratioGet: ratio[0],
      ratioPut: ratio[1],
      acked: new Uint8Array(acked),
      stats,
    }),
);

function useFreshStats() {
  stats = createStats();
  for (const c of connections) c.stats = stats;
}

async function phase(name, fn) {
  try {
    await fn();
    parentPort.postMessage({ type: name, stats });
  } catch (error) {
    parentPort.postMessage({ type: 'failed', phase: name, message: error.message, stats });
  }
}

parentPort.on('message', async (msg) => {
  if (msg.type === 'connect') {
    // One round trip per connection before opening the next (kvload's paced connect).
    await phase('connected', async () => {
      for (const c of connections) await c.connect();
    });
  } else if (msg.type === 'preload') {
    useFreshStats();
    for (const c of connections) c.setDepth(Math.max(1, preloadPipeline));
    await phase('preloaded', () => Promise.all(connections.map((c) => c.preload())));
  } else if (msg.type === 'run') {
    useFreshStats();
    for (const c of connections) c.setDepth(pipeline);
    await phase('ran', () => Promise.all(connections.map((c) => c.run(msg.tMeasure, msg.tEnd))));
  } else if (msg.type === 'close') {
    for (const c of connections) c.close();
    parentPort.close();
  }
});
