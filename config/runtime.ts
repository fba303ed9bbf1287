// Runtime configuration: evaluated at every boot, in a release and under `kvrel run`.
// As the guide's `config :kv, :routing_table, [{?a..?z, node()}]`, every lowercase bucket lives on
// the running node, unless KV_ROUTING_TABLE says otherwise, e.g.
//   KV_ROUTING_TABLE="a-m=foo@127.0.0.1,n-z=bar@127.0.0.1"
// PORT sets the port kv-server listens on.
import { defineConfig } from '@kvrel/runtime';

function parseRoutingTable(text: string): Array<{ from: string; to: string; node: string }> {
  return text.split(',').map((entry) => {
    const match = /^\s*(.)-(.)=(\S+)\s*$/u.exec(entry);
    if (!match) throw new Error(`KV_ROUTING_TABLE entry ${JSON.stringify(entry)} must look like "a-m=foo@127.0.0.1"`);
    return { from: match[1]!, to: match[2]!, node: match[3]! };
  });
}

export default defineConfig(({ node }) => {
  const table = process.env['KV_ROUTING_TABLE'];
  const config: Record<string, Record<string, unknown>> = {
    kv: { routingTable: table ? parseRoutingTable(table) : [{ from: 'a', to: 'z', node }] },
  };
  const port = process.env['PORT'];
  if (port !== undefined && port !== '') {
    if (!/^\d+$/.test(port) || Number(port) > 65535) throw new Error(`PORT must be a TCP port number (0-65535), got ${JSON.stringify(port)}`);
    config['kv-server'] = { port: Number(port) };
  }
  return config;
});
