/** Inside a daemon: everything the node prints (logger, console, stdout, stderr) goes to rotated files. */
import { RotatingLog, setLogSink } from '@kvrel/runtime/internal';

export function redirectOutputToLog(dir: string, base: string): RotatingLog {
  const log = new RotatingLog({ dir, base });
  const write = (chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    log.write(chunk);
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') (done as () => void)();
    return true;
  };
  process.stdout.write = write as typeof process.stdout.write;
  process.stderr.write = write as typeof process.stderr.write;
  setLogSink((line) => log.write(line));
  return log;
}
