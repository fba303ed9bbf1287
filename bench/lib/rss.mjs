// A process's resident set size from /proc/<pid>/status (VmRSS), and a wait until it stops moving.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export function readRssBytes(pid) {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/**
 * Samples every 100 ms for at least `minMs` (V8's memory reducer shrinks the heap ~8 s after the
 * allocation rate drops, so a short wait sees a plateau that is not the final figure) and until the
 * last `windowMs` stay within 0.5 % (or 256 KiB), at most `timeoutMs`. Returns the first settled value
 * (`early`) and the last one (`bytes`).
 */
export async function settledRssBytes(pid, { minMs = 0, windowMs = 1000, timeoutMs = 10_000 } = {}) {
  const samples = [];
  const start = Date.now();
  const need = Math.ceil(windowMs / 100) + 1;
  let early = null;
  for (;;) {
    samples.push(readRssBytes(pid));
    const recent = samples.slice(-need);
    const spread = Math.max(...recent) - Math.min(...recent);
    const stable = recent.length === need && (spread <= 256 * 1024 || spread <= recent.at(-1) * 0.005);
    if (stable) early ??= recent.at(-1);
    const elapsed = Date.now() - start;
    if (stable && elapsed >= minMs) return { bytes: recent.at(-1), early, settled: true };
    if (elapsed > timeoutMs) return { bytes: recent.at(-1), early, settled: false };
    await sleep(100);
  }
}
