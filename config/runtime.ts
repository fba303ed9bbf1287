// Runtime configuration: evaluated at every boot, in a release and under `kvrel run`.
// As the guide's `config :kv, :routing_table, [{?a..?z, node()}]`, every lowercase bucket lives on
// the running node; --config files (kvrel run) or a release's env can route buckets elsewhere.
import { defineConfig } from '@kvrel/runtime';

export default defineConfig(({ node }) => {
  const config: Record<string, Record<string, unknown>> = {
    kv: { routingTable: [{ from: 'a', to: 'z', node }] },
  };
  const port = process.env['PORT'];
  if (port !== undefined && port !== '') {
    if (!/^\d+$/.test(port) || Number(port) > 65535) throw new Error(`PORT must be a TCP port number (0-65535), got ${JSON.stringify(port)}`);
    config['kv-server'] = { port: Number(port) };
  }
  return config;
});
