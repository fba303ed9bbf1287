/**
 * A one_for_one supervisor: starts children in order, restarts a child that ends according to its
 * restart type, and gives up (stopping the others in reverse order) once restarts exceed the restart
 * intensity. A child whose start fails counts as a crash, so a listener that keeps failing with
 * EADDRINUSE is retried and then ends the supervisor, and with it the application.
 */
import { createLogger } from '../logger/logger.js';
import type { ExitReason } from '../application/start-mode.js';
import { exitSignal, shouldRestart, type Child, type ChildSpec } from './child-spec.js';
import { addRestart, DEFAULT_RESTART_INTENSITY, type RestartIntensity } from './restart-intensity.js';
import { noteRestart, restartCount } from './restart-counts.js';

/** A supervisor and its children as `status` and `top` show them (observer's application tree). */
export interface SupervisorSnapshot {
  readonly name: string;
  /** Restarts under this supervisor's name since the node booted. */
  readonly restarts: number;
  readonly children: readonly { readonly id: string; readonly running: boolean; readonly supervisor?: SupervisorSnapshot }[];
}

export interface SupervisorOptions extends Partial<RestartIntensity> {
  /** Used in log lines, usually the application's name. */
  readonly name?: string;
  /** Injected clock for tests. */
  readonly now?: () => number;
}

export class Supervisor implements Child {
  readonly exited: Promise<ExitReason>;
  private readonly exit: (reason: ExitReason) => void;
  private readonly running = new Map<string, Child>();
  private restarts: readonly number[] = [];
  private stopping = false;
  private readonly limits: RestartIntensity;
  private readonly log;

  private constructor(
    private readonly specs: readonly ChildSpec[],
    private readonly options: SupervisorOptions,
  ) {
    const signal = exitSignal();
    this.exited = signal.exited;
    this.exit = signal.exit;
    this.limits = {
      intensity: options.intensity ?? DEFAULT_RESTART_INTENSITY.intensity,
      periodMs: options.periodMs ?? DEFAULT_RESTART_INTENSITY.periodMs,
    };
    this.log = createLogger(options.name ?? 'supervisor');
  }

  /** Starts the children in order; resolves when each has started or failed into a restart. */
  static async start(children: readonly ChildSpec[], options: SupervisorOptions = {}): Promise<Supervisor> {
    const ids = new Set<string>();
    for (const child of children) {
      if (ids.has(child.id)) throw new Error(`duplicate child id ${JSON.stringify(child.id)}`);
      ids.add(child.id);
    }
    const supervisor = new Supervisor(children, options);
    for (const spec of children) {
      if (supervisor.stopping) break;
      await supervisor.startChild(spec);
    }
    return supervisor;
  }

  /** The ids of the children currently running, in start order. */
  which(): string[] {
    return this.specs.filter((s) => this.running.has(s.id)).map((s) => s.id);
  }

  /** The children as they are now, nested supervisors included. */
  describe(): SupervisorSnapshot {
    const name = this.options.name ?? 'supervisor';
    const children = this.specs.map((spec) => {
      const child = this.running.get(spec.id);
      return child instanceof Supervisor ? { id: spec.id, running: true, supervisor: child.describe() } : { id: spec.id, running: child !== undefined };
    });
    return { name, restarts: restartCount(name), children };
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.stopChildren();
    this.exit('normal');
  }

  private async startChild(spec: ChildSpec): Promise<void> {
    let child: Child;
    try {
      child = await spec.start();
    } catch (error) {
      this.onChildExit(spec, toError(error));
      return;
    }
    if (this.stopping) {
      await child.stop();
      return;
    }
    this.running.set(spec.id, child);
    child.exited.then(
      (reason) => {
        if (this.running.get(spec.id) !== child) return;
        this.running.delete(spec.id);
        this.onChildExit(spec, reason);
      },
      (error: unknown) => {
        if (this.running.get(spec.id) !== child) return;
        this.running.delete(spec.id);
        this.onChildExit(spec, toError(error));
      },
    );
  }

  private onChildExit(spec: ChildSpec, reason: ExitReason): void {
    if (this.stopping) return;
    const type = spec.restart ?? 'permanent';
    if (reason !== 'normal') this.log.error(`child ${JSON.stringify(spec.id)} exited: ${reason.message}`);
    if (!shouldRestart(type, reason)) return;
    const verdict = addRestart(this.restarts, (this.options.now ?? Date.now)(), this.limits);
    this.restarts = verdict.restarts;
    if (verdict.exceeded) {
      const why = new Error(
        `shutdown: reached max restart intensity (more than ${this.limits.intensity} restarts in ${this.limits.periodMs / 1000} s)` +
          (reason === 'normal' ? '' : `; last error: ${reason.message}`),
        { cause: reason === 'normal' ? undefined : reason },
      );
      this.stopping = true;
      void this.stopChildren().finally(() => this.exit(why));
      return;
    }
    this.log.info(`restarting child ${JSON.stringify(spec.id)}`);
    noteRestart(this.options.name ?? 'supervisor');
    // Restart on the next turn, so a child that fails at once cannot starve the event loop.
    setImmediate(() => {
      if (!this.stopping) void this.startChild(spec);
    });
  }

  private async stopChildren(): Promise<void> {
    for (const spec of [...this.specs].reverse()) {
      const child = this.running.get(spec.id);
      if (!child) continue;
      this.running.delete(spec.id);
      try {
        await child.stop();
      } catch (error) {
        this.log.error(`child ${JSON.stringify(spec.id)} failed to stop: ${toError(error).message}`);
      }
    }
  }
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
