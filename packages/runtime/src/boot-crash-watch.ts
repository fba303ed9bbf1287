/**
 * While a node boots, an error nothing handles (a worker or a log transport an application started
 * failing, a promise it left rejected) fails the boot instead of being logged as a crash the node
 * survives: a node never says "started" with an application already broken.
 */
import { RuntimeError } from './errors.js';

let watching = false;

/** Whether a boot is watching for such errors now (the crash log stays quiet meanwhile). */
export function bootCrashWatchActive(): boolean {
  return watching;
}

export interface BootCrashWatch {
  /** Rejects with the first such error; never resolves. */
  readonly crashed: Promise<never>;
  stop(): void;
}

export function watchBootCrashes(): BootCrashWatch {
  let fail!: (error: unknown) => void;
  const crashed = new Promise<never>((_, reject) => (fail = reject));
  crashed.catch(() => {}); // observed by the boot's race; a boot without one must not crash on it
  const onError = (error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    fail(new RuntimeError({ code: 'RUNTIME_BOOT_CRASHED', reason }, { cause: error }));
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  watching = true;
  return {
    crashed,
    stop() {
      watching = false;
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}
