// What one worker (or the whole run) counted: replies inside the measurement window, their latency
// histogram, and every error seen. Plain data, so a worker can post it and the main thread merge it.
import { createHistogram, merge } from './histogram.mjs';

export const ERROR_KINDS = ['mismatch', 'unexpectedMiss', 'notFound', 'server', 'protocol', 'lost'];

export function createStats() {
  return {
    ok: 0, // ok replies received inside the measurement window (or during the preload)
    gets: 0,
    hits: 0,
    puts: 0,
    errors: Object.fromEntries(ERROR_KINDS.map((k) => [k, 0])),
    firstError: null, // a sample, for the report
    histogram: createHistogram(),
  };
}

export function mergeStats(into, from) {
  into.ok += from.ok;
  into.gets += from.gets;
  into.hits += from.hits;
  into.puts += from.puts;
  for (const k of ERROR_KINDS) into.errors[k] += from.errors[k];
  into.firstError ??= from.firstError;
  merge(into.histogram, from.histogram);
  return into;
}

export function errorCount(stats) {
  return ERROR_KINDS.reduce((sum, k) => sum + stats.errors[k], 0);
}
