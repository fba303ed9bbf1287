/**
 * `bin/<name> logs [-n N] [-f]`: the daemon's log (RELEASE_TMP/log/<name>.log.*) across its rotated
 * files, oldest first; `-n N` keeps the last N lines; `-f` then follows, through rotation, until
 * interrupted. Reads files only: the node need not be running.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { logDir } from '../../shared/run-files.js';
import type { ReleaseContext } from '../../shared/release-context.js';
import { followLog } from './follow-log.js';
import { closeLogFiles, openLogChainSettled } from './log-chain.js';
import { lastLines, repeatedLinesFilter } from './log-files.js';

export interface LogsOptions {
  readonly lines?: number;
  readonly follow: boolean;
}

/** Parses `[-n N] [-f]`; a string is the one-line error for anything else. */
export function parseLogsArguments(args: readonly string[]): LogsOptions | string {
  let lines: number | undefined;
  let follow = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-f' || arg === '--follow') follow = true;
    else if (arg === '-n' || arg === '--lines') {
      const value = args[++i];
      if (value === undefined || !/^\d+$/.test(value)) return `logs -n takes a number of lines, got ${JSON.stringify(value ?? '')}`;
      lines = Number(value);
    } else return `logs takes -n N and -f, got ${JSON.stringify(arg)}`;
  }
  return lines === undefined ? { follow } : { lines, follow };
}

export async function logsCommand(args: readonly string[], context: ReleaseContext): Promise<number> {
  const options = parseLogsArguments(args);
  if (typeof options === 'string') {
    process.stderr.write(`ERROR: ${options}\n`);
    return 1;
  }
  const dir = logDir(context);
  const base = `${context.manifest.name}.log`;
  // Every file is opened at once, from one view of the folder taken outside a rotation; the current
  // one is read up to its size then, and followed from there through the same descriptor: nothing
  // twice, nothing lost, even if it rotates meanwhile.
  const files = await openLogChainSettled(dir, base);
  if (files.length === 0 && !options.follow) {
    process.stderr.write(`ERROR: no log of ${context.manifest.name} in ${dir}; a node started with "bin/${context.manifest.name} daemon" writes it\n`);
    return 1;
  }
  const fd = files.at(-1)?.fd;
  const size = fd === undefined ? 0 : fstatSync(fd).size;
  // The oldest file shown keeps its repeated first lines (the original ones may have rotated away).
  const [oldest, ...newer] = files.map((file) => readPrefix(file.fd, file.fd === fd ? size : fstatSync(file.fd).size));
  closeLogFiles(files.slice(0, -1));
  const skipRepeated = repeatedLinesFilter();
  const all = (oldest?.toString('utf8') ?? '') + skipRepeated(Buffer.concat(newer).toString('utf8'));
  process.stdout.write(options.lines === undefined ? all : lastLines(all, options.lines));
  if (!options.follow) {
    if (fd !== undefined) closeSync(fd);
    return 0;
  }
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  await followLog({
    dir,
    base,
    from: fd === undefined ? undefined : { fd, position: size },
    write: (chunk) => process.stdout.write(skipRepeated(chunk.toString())),
    signal: stop.signal,
  });
  return 0;
}

function readPrefix(fd: number, size: number): Buffer {
  const buffer = Buffer.alloc(size);
  let offset = 0;
  while (offset < size) {
    const read = readSync(fd, buffer, offset, size - offset, offset);
    if (read === 0) break;
    offset += read;
  }
  return buffer.subarray(0, offset);
}
