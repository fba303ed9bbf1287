// A log-linear latency histogram (HDR style, as kvload's): values in ns, exact below 128, then 64
// sub-buckets per power of two (relative error < 1.6 %). Plain arrays, so workers can post them.
const MAX_NS = 0xffffffff; // ~4.3 s: anything slower is clamped
export const HISTOGRAM_SIZE = 128 + 25 * 64;

export function createHistogram() {
  return new Float64Array(HISTOGRAM_SIZE);
}

export function indexOf(ns) {
  const v = ns < 0 ? 0 : ns > MAX_NS ? MAX_NS : Math.floor(ns);
  if (v < 128) return v;
  const e = 31 - Math.clz32(v); // 7..31
  const mant = Math.floor(v / 2 ** (e - 6)); // 64..127
  return 128 + (e - 7) * 64 + (mant - 64);
}

/** Midpoint of bucket `idx`, in ns. */
export function valueAt(idx) {
  if (idx < 128) return idx;
  const e = Math.floor((idx - 128) / 64) + 7;
  const mant = ((idx - 128) % 64) + 64;
  const width = 2 ** (e - 6);
  return mant * width + width / 2;
}

export function record(histogram, ns) {
  histogram[indexOf(ns)] += 1;
}

export function merge(into, from) {
  for (let i = 0; i < HISTOGRAM_SIZE; i++) into[i] += from[i];
  return into;
}

/** The q-quantile (0..1) in µs, or null when empty. */
export function percentileUs(histogram, q) {
  let total = 0;
  for (let i = 0; i < HISTOGRAM_SIZE; i++) total += histogram[i];
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < HISTOGRAM_SIZE; i++) {
    seen += histogram[i];
    if (seen >= rank) return valueAt(i) / 1000;
  }
  return valueAt(HISTOGRAM_SIZE - 1) / 1000;
}
