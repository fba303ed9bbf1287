/**
 * The application controller: loads and starts applications dependencies first per their start
 * modes, stops them in reverse order, and decides what an application's end means for the node
 * (OTP's application_controller).
 */
import { createLogger } from '../logger/logger.js';
import { CodedError } from '../coded-error.js';
import { RuntimeError, startFailedMessage } from '../errors.js';
import type { ApplicationDescriptor, RunningApplication } from './define-application.js';
import { loadEnv } from './environment.js';
import { decideOnExit, isStarted, validateStartMode, type ExitReason, type StartMode } from './start-mode.js';
import { startOrder } from './start-order.js';
import { Supervisor, type SupervisorSnapshot } from '../supervision/supervisor.js';
import { asApplication } from './cluster-worker.js';

const log = createLogger('');

export interface StartedApplication {
  readonly name: string;
  readonly description: string;
  readonly version: string;
}

export interface ControllerOptions {
  /** Called when an application's end must take the node down (permanent, or transient ending abnormally). */
  onStopNode(reason: string): void;
}

/** Where an application is in its life: `failed` ended abnormally, `stopped` ended normally or was stopped. */
export type ApplicationState = 'loaded' | 'starting' | 'started' | 'stopping' | 'stopped' | 'failed';

/** An application as `status` and `top` show it. */
export interface ApplicationSnapshot {
  readonly name: string;
  readonly version: string;
  readonly mode: StartMode;
  readonly state: ApplicationState;
  /** Its supervision tree, when its start returned a Supervisor. */
  readonly supervisor?: SupervisorSnapshot;
}

interface Entry {
  readonly descriptor: ApplicationDescriptor;
  mode: StartMode;
  state: ApplicationState;
  running?: RunningApplication | undefined;
  stopping?: boolean;
}

export class ApplicationController {
  private readonly known = new Map<string, ApplicationDescriptor>();
  private readonly loaded = new Map<string, Entry>();
  /** Names of started applications in start order. */
  private readonly started: string[] = [];

  constructor(
    applications: readonly ApplicationDescriptor[],
    private readonly options: ControllerOptions,
  ) {
    for (const app of applications) this.known.set(app.spec.name, app);
  }

  /** The application's priv/ folder (OTP's code:priv_dir/1): files it ships beside its code. */
  privDir(app: string): string {
    const descriptor = this.known.get(app);
    if (!descriptor) throw new RuntimeError({ code: 'RUNTIME_UNKNOWN_APPLICATION', app });
    if (descriptor.privDir === undefined) throw new RuntimeError({ code: 'RUNTIME_NO_PRIV_DIR', app });
    return descriptor.privDir;
  }

  /** Application descriptors dependencies first, for the given roots (all known by default). */
  ordered(roots?: readonly string[]): ApplicationDescriptor[] {
    const nodes = [...this.known.values()].map((d) => ({ name: d.spec.name, dependencies: d.dependencies, d }));
    return startOrder(nodes, roots).map((n) => n.d);
  }

  /** Loads every application that has a mode other than none: defaults merged with its configuration. */
  load(modes: Readonly<Record<string, StartMode>>, config: Readonly<Record<string, Record<string, unknown>>>): void {
    for (const [name, mode] of Object.entries(modes)) {
      validateStartMode(name, mode);
      if (!this.known.has(name)) throw new RuntimeError({ code: 'RUNTIME_UNKNOWN_APPLICATION', app: name });
    }
    for (const descriptor of this.ordered(Object.keys(modes))) {
      const name = descriptor.spec.name;
      const mode = modes[name] ?? 'permanent';
      if (mode === 'none') continue;
      loadEnv(name, descriptor.spec.env, config[name]);
      this.loaded.set(name, { descriptor, mode, state: 'loaded' });
    }
  }

  /** Starts every loaded application whose mode starts it, dependencies first. */
  async startAll(): Promise<void> {
    for (const descriptor of this.ordered([...this.loaded.keys()])) {
      const entry = this.loaded.get(descriptor.spec.name);
      if (entry && isStarted(entry.mode)) await this.startOne(entry);
    }
  }

  /** Starts `app` and the dependencies it needs that are not running yet; returns those it started. */
  async ensureAllStarted(app: string, mode: StartMode = 'temporary'): Promise<string[]> {
    const startedNow: string[] = [];
    for (const descriptor of this.ordered([app])) {
      const name = descriptor.spec.name;
      let entry = this.loaded.get(name);
      if (!entry) {
        loadEnv(name, descriptor.spec.env, undefined);
        entry = { descriptor, mode, state: 'loaded' };
        this.loaded.set(name, entry);
      }
      if (this.started.includes(name)) continue;
      if (!isStarted(entry.mode)) entry.mode = mode;
      await this.startOne(entry);
      startedNow.push(name);
    }
    return startedNow;
  }

  /** Stops every started application in reverse start order. */
  async stopAll(): Promise<void> {
    for (const name of [...this.started].reverse()) await this.stopOne(name);
  }

  /** Stops one application on request: its start mode does not apply (OTP's application:stop/1). */
  async stop(name: string): Promise<void> {
    if (!this.known.has(name)) throw new RuntimeError({ code: 'RUNTIME_UNKNOWN_APPLICATION', app: name });
    await this.stopOne(name);
  }

  /** Every loaded application, dependencies first, with its mode, state and supervision tree. */
  describe(): ApplicationSnapshot[] {
    return this.ordered([...this.loaded.keys()]).flatMap(({ spec }) => {
      const entry = this.loaded.get(spec.name);
      if (!entry) return []; // a dependency that was never loaded (mode none)
      const snapshot = { name: spec.name, version: entry.descriptor.version, mode: entry.mode, state: entry.state };
      return [entry.running instanceof Supervisor ? { ...snapshot, supervisor: entry.running.describe() } : snapshot];
    });
  }

  startedApplications(): StartedApplication[] {
    return this.started.map((name) => {
      const { spec, version } = this.loaded.get(name)!.descriptor;
      return { name, description: spec.description ?? name, version };
    });
  }

  private async startOne(entry: Entry): Promise<void> {
    const { spec } = entry.descriptor;
    let running: RunningApplication | undefined;
    entry.state = 'starting';
    try {
      running = await asApplication(spec.name, () => spec.start?.());
    } catch (error) {
      entry.state = 'failed';
      throw startFailure(spec.name, error);
    }
    entry.running = running ?? undefined;
    entry.stopping = false;
    entry.state = 'started';
    this.started.push(spec.name);
    log.debug(`application ${spec.name} started`);
    running?.exited.then(
      (reason) => this.onExit(entry, running, reason),
      (error: unknown) => this.onExit(entry, running, error instanceof Error ? error : new Error(String(error))),
    );
  }

  private async stopOne(name: string): Promise<void> {
    const entry = this.loaded.get(name);
    const at = this.started.indexOf(name);
    if (!entry || at === -1) return;
    entry.stopping = true;
    entry.state = 'stopping';
    this.started.splice(at, 1);
    try {
      await entry.running?.stop();
    } catch (error) {
      log.error(`application ${name} failed to stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
    }
    entry.running = undefined;
    entry.state = 'stopped';
    log.info(`application ${name} exited: stopped`);
  }

  private onExit(entry: Entry, running: RunningApplication | undefined, reason: ExitReason): void {
    if (entry.stopping || entry.running !== running) return;
    const name = entry.descriptor.spec.name;
    const at = this.started.indexOf(name);
    if (at !== -1) this.started.splice(at, 1);
    entry.running = undefined;
    entry.state = reason === 'normal' ? 'stopped' : 'failed';
    const why = reason === 'normal' ? 'normal' : reason.message;
    log.error(`application ${name} exited: ${why} (${entry.mode})`);
    if (decideOnExit(entry.mode, reason) === 'stop-node') {
      this.options.onStopNode(`${entry.mode} application ${JSON.stringify(name)} exited: ${why}`);
    }
  }
}

/**
 * What boot throws when an application's start fails; the message names the application. An
 * application's own coded error (a mistake the user can fix, e.g. KV_BAD_ROUTING_TABLE) keeps its
 * code; anything else (a bug, a TypeError) is RUNTIME_START_FAILED. The original error, with its
 * stack, is the cause either way.
 */
function startFailure(app: string, error: unknown): CodedError {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof CodedError) return new CodedError(error.code, startFailedMessage(app, reason), { cause: error });
  return new RuntimeError({ code: 'RUNTIME_START_FAILED', app, reason }, { cause: error });
}
