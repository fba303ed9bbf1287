// The figures of one load run that go into a table row and the JSON.
export function loadRow(r) {
  return { opsPerSec: r.opsPerSec, p50Us: r.p50Us, p99Us: r.p99Us, p999Us: r.p999Us, errors: r.errors, ...(r.firstError ? { firstError: r.firstError } : {}) };
}
