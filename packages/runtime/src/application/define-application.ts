/**
 * An application: what a node starts, stops and supervises (OTP's application behaviour).
 * The spec lives in the package's `kvrel.application` module; its version and the applications it
 * depends on come from the package's package.json, read by kvrel when it bundles a node.
 */
import type { ExitReason } from './start-mode.js';

export type AppEnv = Record<string, unknown>;

/** What `start` returns: something the runtime can stop, and that says when it ended on its own. */
export interface RunningApplication {
  /** Stops the application's parts in reverse start order; resolves once they are all down. */
  stop(): Promise<void>;
  /** Settles when the application ends without being asked to (its supervisor gave up, or it finished). */
  readonly exited: Promise<ExitReason>;
}

export interface ApplicationSpec {
  /** Must equal the package name. */
  readonly name: string;
  readonly description?: string;
  /** Default values of the application's environment; configuration overrides them key by key. */
  readonly env?: AppEnv;
  /** Starts the application. Returning nothing means a library application with nothing to run. */
  start?(): Promise<RunningApplication | undefined> | RunningApplication | undefined;
}

/** Identity helper: gives editor completion and type checks for an application spec. */
export function defineApplication<const T extends ApplicationSpec>(spec: T): T {
  return spec;
}

/** An application as a node knows it: the spec plus what its package declares. */
export interface ApplicationDescriptor {
  readonly spec: ApplicationSpec;
  readonly version: string;
  /** Names of the applications this one depends on (started before it, stopped after it). */
  readonly dependencies: readonly string[];
  /** The name under which its module is in scope for rpc/eval/remote (KV, KVServer), if any. */
  readonly moduleName?: string;
  /** The package's exports, in scope for rpc/eval/remote under moduleName. */
  readonly module?: Record<string, unknown>;
  /** Its priv/ folder: in a release releases/<vsn>/priv/<app>, from source the package's own priv/. */
  readonly privDir?: string;
}

export type { ExitReason };
