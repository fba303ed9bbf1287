/**
 * Figures an application offers to `status`, `top` and the metrics endpoint (kv: operations by
 * command, buckets, keys; kv-server: connections). A measure is read only when someone asks
 * (a scrape, a status call), so an application pays for a plain counter at most, metrics on or off.
 */
export type MeasureType = 'counter' | 'gauge';

export interface MeasureSample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Measure {
  /** A Prometheus metric name: `kv_operations_total`, `kv_server_connections`. */
  readonly name: string;
  readonly help: string;
  /** counter: only grows while the node runs; gauge: goes up and down. */
  readonly type: MeasureType;
  /** The label names of its samples, when it has several. */
  readonly labelNames?: readonly string[];
  /** One value, or one sample per label set. */
  read(): number | readonly MeasureSample[];
  /** Adds to a headline figure of `status` and `top`: client connections, or operations served. */
  readonly headline?: 'connections' | 'operations';
}

const registered = new Map<string, Measure>();

/** Registers a measure (replacing one of the same name); returns what unregisters it. */
export function registerMeasure(measure: Measure): () => void {
  registered.set(measure.name, measure);
  return () => {
    if (registered.get(measure.name) === measure) registered.delete(measure.name);
  };
}

export function registeredMeasures(): readonly Measure[] {
  return [...registered.values()];
}

export function readSamples(measure: Measure): readonly MeasureSample[] {
  const value = measure.read();
  return typeof value === 'number' ? [{ value }] : value;
}

/** The sum of every registered measure that adds to `headline`. */
export function headlineTotal(headline: 'connections' | 'operations'): number {
  let total = 0;
  for (const measure of registered.values()) {
    if (measure.headline === headline) for (const sample of readSamples(measure)) total += sample.value;
  }
  return total;
}
