// Median, min and max of repeated measurements, rounded for the report.
export function summary(values, digits = 1) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const r = (x) => Math.round(x * 10 ** digits) / 10 ** digits;
  return { median: r(median), min: r(sorted[0]), max: r(sorted.at(-1)), runs: sorted.length };
}
