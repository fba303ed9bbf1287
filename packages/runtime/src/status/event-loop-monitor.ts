/**
 * Event-loop delay (perf_hooks monitorEventLoopDelay) and utilisation over a rolling window, for
 * `status` and `top`. The histogram restarts every WINDOW_MS; a reading covers the current window
 * once it is a second old, else the window before it, so every reading spans 1 to 10 seconds.
 * Sampling is a libuv timer every RESOLUTION_MS: a few microseconds of work per tick.
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';

export const WINDOW_MS = 10_000;
const RESOLUTION_MS = 20;
const MIN_WINDOW_MS = 1_000;

export interface EventLoopFigures {
  /** Delay past the expected timer tick, in milliseconds. */
  readonly delayMs: { readonly mean: number; readonly p50: number; readonly p99: number; readonly max: number };
  /** Fraction of the time the loop was busy, 0–1. */
  readonly utilization: number;
  /** The span these figures cover. */
  readonly windowMs: number;
}

export class EventLoopMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private windowStart = performance.now();
  private windowElu: EventLoopUtilization = performance.eventLoopUtilization();
  private previous: EventLoopFigures | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.histogram.enable();
    this.timer = setInterval(() => this.roll(), WINDOW_MS);
    this.timer.unref();
  }

  read(): EventLoopFigures {
    const current = this.current();
    return current.windowMs >= MIN_WINDOW_MS || !this.previous ? current : this.previous;
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  private current(): EventLoopFigures {
    // The histogram records whole timer intervals: the delay is what passes the resolution.
    const ms = (ns: number) => (Number.isFinite(ns) ? Math.max(0, Math.round(ns / 1e4 - RESOLUTION_MS * 100) / 100) : 0);
    const h = this.histogram;
    const samples = h.count > 0;
    return {
      delayMs: {
        mean: samples ? ms(h.mean) : 0,
        p50: samples ? ms(h.percentile(50)) : 0,
        p99: samples ? ms(h.percentile(99)) : 0,
        max: samples ? ms(h.max) : 0,
      },
      utilization: Math.round(performance.eventLoopUtilization(this.windowElu).utilization * 1000) / 1000,
      windowMs: Math.round(performance.now() - this.windowStart),
    };
  }

  private roll(): void {
    this.previous = this.current();
    this.histogram.reset();
    this.windowStart = performance.now();
    this.windowElu = performance.eventLoopUtilization();
  }
}
