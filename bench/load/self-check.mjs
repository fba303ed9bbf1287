// Checks the load generator against the throwaway fixture server: a correct server gives ops and no
// errors; a server that forgets PUTs must show up as errors, not as speed. Exit 1 on a failed check.
//   node bench/load/self-check.mjs
import { startEchoKvServer } from '../fixtures/echo-kv-server.mjs';
import { runLoad } from './load-generator.mjs';

const checks = [];
async function check(name, serverOptions, loadOptions, expect) {
  const server = await startEchoKvServer(serverOptions);
  try {
    const r = await runLoad({ port: server.port, warmupS: 0.2, durationS: 1, keys: 1000, ...loadOptions });
    const ok = expect(r);
    checks.push(ok);
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${name}: ops/s=${r.opsPerSec} p50=${r.p50Us}µs p99=${r.p99Us}µs errors=${r.errors}${r.firstError ? ` (${r.firstError})` : ''}`,
    );
  } finally {
    await server.close();
  }
}

await check('depth 1, 4 clients, no errors', {}, { clients: 4, pipeline: 1 }, (r) => r.opsPerSec > 0 && r.errors === 0 && r.hits === r.gets);
await check('depth 16, 50 clients, no errors', {}, { clients: 50, pipeline: 16 }, (r) => r.opsPerSec > 0 && r.errors === 0);
await check('a server that forgets PUTs is caught', { forgetPuts: true }, { clients: 4, pipeline: 4 }, (r) => r.errorKinds.unexpectedMiss > 0);
await check('buckets over n-z only', {}, { clients: 2, bucketLetters: 'nopqrstuvwxyz', buckets: 13 }, (r) => r.errors === 0);
process.exitCode = checks.every(Boolean) ? 0 : 1;
