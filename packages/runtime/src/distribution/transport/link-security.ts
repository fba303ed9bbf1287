/**
 * What a link runs over before the cookie handshake: plain TCP, or TLS when RELEASE_DIST_TLS is set
 * (dist-tls.ts). The accepting side looks at the first byte (a TLS ClientHello starts with 0x16, a
 * handshake frame with 0x00), so a node with TLS and one without refuse each other in one line on
 * both sides: the acceptor answers in the dialer's language (a refused status frame, which a TLS
 * dialer reads as "wrong version number") instead of leaving it to a timeout.
 *
 * Certificates are checked here, by hand (rejectUnauthorized off, `authorized` read after the TLS
 * handshake), so the refusal names the reason (CERT_HAS_EXPIRED, ...) on both ends: the acceptor
 * sends its refusal through the finished TLS link, as a status frame the dialer's handshake reads.
 */
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { DistTls } from '../dist-tls.js';
import { encodeFrame } from '../wire/frame.js';
import { HandshakeError, encodeStatus } from '../wire/handshake-messages.js';

const TLS_HANDSHAKE_RECORD = 0x16;

/** The dialing side: the socket as it is, or a TLS link whose peer passed the certificate check. Rejects with a one-line reason. */
export function secureOutgoing(socket: net.Socket, settings: DistTls | undefined): Promise<Duplex> {
  if (!settings) return Promise.resolve(socket);
  return new Promise((resolve, reject) => {
    const link = tls.connect({
      socket,
      cert: settings.cert,
      key: settings.key,
      ...(settings.ca && { ca: settings.ca }),
      rejectUnauthorized: false,
      // Any certificate the cluster's CA signed: the cookie handshake inside proves the node's name.
      checkServerIdentity: () => undefined,
    });
    const fail = (reason: string) => {
      link.destroy();
      reject(new Error(reason));
    };
    const onError = (error: NodeJS.ErrnoException) => fail(outgoingFailure(error));
    const onClose = () => fail('it closed the connection during the TLS handshake');
    link.once('error', onError).once('close', onClose);
    link.once('secureConnect', () => {
      link.removeListener('error', onError).removeListener('close', onClose);
      if (settings.verify && !link.authorized) return fail(`its TLS certificate is refused: ${describeCertError(link.authorizationError)}`);
      resolve(link);
    });
  });
}

/**
 * The accepting side: waits up to `firstByteMs` for the first byte, then refuses a mismatch or runs
 * the TLS handshake. Rejects with a HandshakeError ('refused', 'TLS handshake failed', 'closed' or
 * 'no name in time'); the socket is then closed (after any refusal was sent).
 */
export async function secureIncoming(socket: Duplex, settings: DistTls | undefined, firstByteMs: number): Promise<Duplex> {
  const first = await firstByte(socket, firstByteMs);
  const speaksTls = first === TLS_HANDSHAKE_RECORD;
  if (!settings && speaksTls) {
    socket.end(encodeFrame(encodeStatus({ status: 'refused', reason: 'this node does not use TLS' })));
    throw new HandshakeError('refused', 'it uses TLS, and this node does not (RELEASE_DIST_TLS is not set here)');
  }
  if (!settings) return socket;
  if (!speaksTls) {
    socket.end(encodeFrame(encodeStatus({ status: 'refused', reason: 'this node accepts only TLS links (RELEASE_DIST_TLS): set it on this node too' })));
    throw new HandshakeError('refused', 'it does not use TLS, and this node requires it (RELEASE_DIST_TLS)');
  }
  return acceptTls(socket, settings);
}

function acceptTls(socket: Duplex, settings: DistTls): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    // A server of one connection: its events are this connection's (one shared server could not tell whose they are).
    const server = tls.createServer({
      cert: settings.cert,
      key: settings.key,
      ...(settings.ca && { ca: settings.ca }),
      requestCert: settings.verify,
      rejectUnauthorized: false,
    });
    const onClose = () => reject(new HandshakeError('closed', 'the connection closed during the TLS handshake'));
    socket.once('close', onClose);
    server.once('tlsClientError', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      reject(new HandshakeError('TLS handshake failed', `TLS handshake failed: ${sslReason(error)}`));
    });
    server.once('secureConnection', (link: tls.TLSSocket) => {
      socket.removeListener('close', onClose);
      if (settings.verify && !link.authorized) {
        const reason = describeCertError(link.authorizationError);
        link.end(encodeFrame(encodeStatus({ status: 'refused', reason: `this node refused its TLS certificate: ${reason}` })));
        return reject(new HandshakeError('refused', `its TLS certificate is refused: ${reason}`));
      }
      resolve(link);
    });
    server.emit('connection', socket);
  });
}

/** Resolves with the first byte, left unread for whoever reads next. */
function firstByte(socket: Duplex, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      socket.removeListener('data', onData).removeListener('end', onGone).removeListener('close', onGone).removeListener('error', onGone);
    };
    const onData = (chunk: Buffer) => {
      done();
      socket.pause();
      socket.unshift(chunk);
      resolve(chunk[0]!);
    };
    const onGone = () => {
      done();
      socket.destroy();
      reject(new HandshakeError('closed', 'the connection closed during the handshake'));
    };
    const timer = setTimeout(() => {
      done();
      socket.destroy();
      reject(new HandshakeError('no name in time', `it sent no name within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', onData).on('end', onGone).on('close', onGone).on('error', onGone);
  });
}

function outgoingFailure(error: NodeJS.ErrnoException): string {
  if (error.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || error.code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return 'it does not use TLS (RELEASE_DIST_TLS is set on this node only)';
  }
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return 'it closed the connection during the TLS handshake';
  return `TLS handshake failed: ${sslReason(error)}`;
}

/** "sslv3 alert handshake failure" out of OpenSSL's "...:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:../deps/...". */
function sslReason(error: Error): string {
  return /SSL routines:[^:]*:([^:]+)/.exec(error.message)?.[1] ?? error.message.split('\n')[0]!;
}

const CERT_ERRORS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not yet valid',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not signed by the cluster CA (ca)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is not signed by the cluster CA (ca)',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate is not signed by the cluster CA (ca)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed, not signed by the cluster CA (ca)',
  CERT_SIGNATURE_FAILURE: 'the certificate signature is wrong',
  CERT_REVOKED: 'the certificate is revoked',
};

function describeCertError(code: unknown): string {
  if (code === undefined || code === null) return 'it sent no certificate';
  const text = String(code);
  return `${CERT_ERRORS[text] ?? 'the certificate does not verify'} (${text})`;
}
