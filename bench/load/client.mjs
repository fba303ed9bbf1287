// One closed-loop connection: keeps `pipeline` requests in flight, matches each reply to the oldest
// request (replies come in order, SPEC §7), validates it, times it from send to reply, and sends the
// next. Phases: handshake (one CREATE round trip), preload (PUT keys index, index+stride, ...), run.
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { bucketOf, valueOf } from './keyspace.mjs';
import { record } from './histogram.mjs';
import { NOT_FOUND, OK, SERVER_ERROR, VALUE, replyKind } from './reply-kind.mjs';

const GET = 0;
const PUT = 1;
const CREATE = 2;
const MAX_PENDING_BYTES = 1 << 20; // a reply line longer than this is a protocol error
const now = () => performance.timeOrigin + performance.now(); // ms, comparable across threads

export class LoadClient {
  /** @param {object} o { port, index, stride, buckets, keys, keyPrefix, valueSize, pipeline, ratioGet, ratioPut, acked, stats } */
  constructor(o) {
    Object.assign(this, o);
    const d = o.pipeline;
    this.types = new Uint8Array(d);
    this.keyOf = new Int32Array(d);
    this.sentAt = new Float64Array(d);
    this.expectHit = new Uint8Array(d);
    this.head = 0;
    this.inflight = 0;
    this.getStage = 0;
    this.getValue = '';
    this.pending = null;
    this.phase = 'idle';
    this.rng = (o.index * 2654435761 + 1) >>> 0 || 1;
    this.nextKey = o.index;
    this.tMeasure = 0;
    this.tEnd = 0;
    this.done = null; // { resolve, reject } of the current phase
  }

  connect() {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: this.port });
      this.socket = socket;
      socket.setNoDelay(true);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', (e) => this.lost(e.message));
        socket.on('close', () => this.lost('closed by the server'));
        socket.on('data', (chunk) => this.onData(chunk));
        this.phase = 'handshake';
        this.send(CREATE, 0, now());
        this.flush();
        this.waitPhase().then(resolve, reject);
      });
    });
  }

  preload() {
    this.phase = 'preload';
    this.refill(now());
    return this.waitPhase();
  }

  run(tMeasure, tEnd) {
    this.phase = 'run';
    this.tMeasure = tMeasure;
    this.tEnd = tEnd;
    this.refill(now());
    return this.waitPhase();
  }

  /** Requests in flight from now on (at most the constructor's pipeline); only between phases. */
  setDepth(depth) {
    this.pipeline = depth;
    this.head = 0;
  }

  close() {
    this.phase = 'closed';
    this.socket?.destroy();
  }

  waitPhase() {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve, reject) => (this.done = { resolve, reject }));
  }

  settle(error) {
    const done = this.done;
    this.done = null;
    if (done) error ? done.reject(error) : done.resolve();
  }

  lost(why) {
    if (this.phase === 'closed' || this.phase === 'dead') return;
    this.phase = 'dead';
    this.stats.errors.lost += this.inflight;
    this.stats.firstError ??= `connection ${this.index} lost (${why}) with ${this.inflight} request(s) in flight`;
    this.inflight = 0;
    this.settle(new Error(`connection ${this.index} lost: ${why}`));
  }

  send(type, key, t) {
    const slot = (this.head + this.inflight) % this.pipeline;
    this.types[slot] = type;
    this.keyOf[slot] = key;
    this.sentAt[slot] = t;
    this.expectHit[slot] = type === GET ? Atomics.load(this.acked, key) : 0;
    this.inflight++;
    const bucket = bucketOf(this.buckets, key);
    if (type === GET) this.batch += `GET ${bucket} ${this.keyPrefix}${key}\r\n`;
    else if (type === PUT) this.batch += `PUT ${bucket} ${this.keyPrefix}${key} ${valueOf(key, this.valueSize)}\r\n`;
    else this.batch += `CREATE ${this.buckets[0]}\r\n`;
  }

  flush() {
    if (this.batch) this.socket.write(this.batch);
    this.batch = '';
  }

  refill(t) {
    this.batch = '';
    while (this.inflight < this.pipeline) {
      if (this.phase === 'preload') {
        if (this.nextKey >= this.keys) break;
        this.send(PUT, this.nextKey, t);
        this.nextKey += this.stride;
      } else if (this.phase === 'run') {
        if (t >= this.tEnd) break;
        let x = this.rng;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        this.rng = x >>> 0;
        const key = (this.rng >>> 8) % this.keys;
        this.send(this.rng % (this.ratioGet + this.ratioPut) < this.ratioGet ? GET : PUT, key, t);
      } else break;
    }
    this.flush();
  }

  onData(chunk) {
    const t = now();
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl === -1) break;
      const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      this.onLine(buf, pos, end, t);
      pos = nl + 1;
      if (this.phase === 'dead') return;
    }
    this.pending = pos < buf.length ? buf.subarray(pos) : null;
    if (this.pending && this.pending.length > MAX_PENDING_BYTES) return (this.protocolError('reply line over 1 MiB'), this.socket.destroy());
    if (this.inflight < this.pipeline) this.refill(t);
    if (this.inflight === 0) this.settle();
  }

  onLine(buf, start, end, t) {
    if (this.inflight === 0) return this.protocolError(`unexpected line ${JSON.stringify(buf.toString('latin1', start, end))}`);
    const slot = this.head;
    const kind = replyKind(buf, start, end);
    if (this.types[slot] === GET && this.getStage === 0) {
      if (kind === VALUE) {
        this.getValue = buf.toString('latin1', start, end);
        this.getStage = 1;
        return;
      }
      return this.complete(slot, t, this.errorOf(kind, buf, start, end));
    }
    if (kind !== OK) return this.complete(slot, t, this.errorOf(kind, buf, start, end));
    this.complete(slot, t, this.types[slot] === GET ? this.checkGet(slot) : null);
  }

  checkGet(slot) {
    const key = this.keyOf[slot];
    if (this.getValue === '') return this.expectHit[slot] ? ['unexpectedMiss', `GET ${this.keyPrefix}${key} empty after an acknowledged PUT`] : null;
    const want = valueOf(key, this.valueSize);
    return this.getValue === want ? null : ['mismatch', `GET ${this.keyPrefix}${key}: ${JSON.stringify(this.getValue)}, expected ${JSON.stringify(want)}`];
  }

  errorOf(kind, buf, start, end) {
    const line = buf.toString('latin1', start, Math.min(end, start + 200));
    if (kind === NOT_FOUND) return ['notFound', line];
    if (kind === SERVER_ERROR) return ['server', line];
    return ['protocol', `unexpected reply ${JSON.stringify(line)}`];
  }

  protocolError(message) {
    this.stats.errors.protocol++;
    this.stats.firstError ??= message;
  }

  complete(slot, t, error) {
    const type = this.types[slot];
    const key = this.keyOf[slot];
    this.head = (this.head + 1) % this.pipeline;
    this.inflight--;
    this.getStage = 0;
    const stats = this.stats;
    if (error) {
      stats.errors[error[0]]++;
      stats.firstError ??= error[1];
      return;
    }
    if (type === PUT) Atomics.store(this.acked, key, 1);
    const measured = this.phase === 'preload' || (this.phase === 'run' && t >= this.tMeasure && t <= this.tEnd);
    if (!measured || type === CREATE) return;
    stats.ok++;
    if (type === GET) {
      stats.gets++;
      if (this.getValue !== '') stats.hits++;
    } else stats.puts++;
    record(stats.histogram, (t - this.sentAt[slot]) * 1e6);
  }
}
