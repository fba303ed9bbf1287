/**
 * A man in the middle of distribution links, run in the router's network namespace by
 * test/distribution-auth.test.ts: `node frame-proxy.mjs LISTEN_HOST PORT TARGET_HOST CONTROL_SOCKET`.
 * It relays every connection to TARGET_HOST:PORT, records the bytes both ways, and takes commands,
 * one JSON line each, on a Unix socket (reachable from any namespace: it lives in the file system):
 *
 *   {"do":"inject","hex":"..."}  writes the bytes into the newest link, towards the target
 *   {"do":"replay"}              writes again the last whole frame the dialer sent on the newest link
 *   {"do":"seen","text":"..."}   whether the text crossed the proxy (either way, any link so far)
 *   {"do":"links"}               how many links it has relayed
 * Each answers one JSON line.
 */
import net from 'node:net';

const [listenHost, port, targetHost, control] = process.argv.slice(2);
const links = [];
const seen = [];

net
  .createServer((client) => {
    const upstream = net.connect({ host: targetHost, port: Number(port) });
    const link = { upstream, toTarget: [] };
    links.push(link);
    client.on('data', (chunk) => {
      link.toTarget.push(chunk);
      seen.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      seen.push(chunk);
      client.write(chunk);
    });
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  })
  .listen(Number(port), listenHost, () => process.stdout.write(`relaying ${listenHost}:${port} to ${targetHost}:${port}\n`));

/** The last whole frame in the bytes the dialer sent (4-byte big-endian length, then the payload). */
function lastFrame(bytes) {
  let offset = 0;
  let last;
  while (offset + 4 <= bytes.length) {
    const end = offset + 4 + bytes.readUInt32BE(offset);
    if (end > bytes.length) break;
    last = bytes.subarray(offset, end);
    offset = end;
  }
  return last;
}

function answer(command) {
  const link = links.at(-1);
  switch (command.do) {
    case 'inject':
      link.upstream.write(Buffer.from(command.hex, 'hex'));
      return { ok: true };
    case 'replay': {
      const frame = lastFrame(Buffer.concat(link.toTarget));
      link.upstream.write(frame);
      return { ok: true, bytes: frame.length };
    }
    case 'seen':
      return { seen: Buffer.concat(seen).includes(command.text) };
    case 'links':
      return { links: links.length };
    default:
      return { error: `unknown command ${command.do}` };
  }
}

net
  .createServer((socket) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (text) => {
      buffered += text;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let reply;
        try {
          reply = answer(JSON.parse(line));
        } catch (error) {
          reply = { error: String(error) };
        }
        socket.write(`${JSON.stringify(reply)}\n`);
      }
    });
  })
  .listen(control);
