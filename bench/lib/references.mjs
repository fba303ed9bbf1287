// Reference figures quoted in the issues (measured on this machine kind), printed beside ours.
export const KV_REFERENCES = {
  // issue 3: 50 clients, 90:10, 26 buckets, 10,000 keys, 16-byte values, kvload
  1: { elixir: '68,468 ops/s (p99 2,248 µs)', redis: '256,308 (p99 346 µs)', target: '≥ 137,000 (p99 ≤ 2,248 µs)' },
  16: { elixir: '94,220 ops/s (p99 14,614 µs)', redis: '1,922,441 (p99 680 µs)', target: '≥ 188,000 (p99 ≤ 14,614 µs)' },
};

export const MEMORY_REFERENCE = { elixir: '166.8 B', redis: '113.8 B', target: '≤ 166 B' };

// issue 4
export const ROUTED_TARGETS = { p50: 'routed p50 ≤ 2× local p50', depth16: 'routed ops/s at depth 16 ≥ ½ local' };

// issue 5: guide's Elixir release foo (OTP 25) / target for kvrel
export const RELEASE_REFERENCES = {
  bootToAccept: { elixir: '311 ms (274–654)', target: '≤ 40 ms' },
  rpc: { elixir: '148 ms', target: '≤ 50 ms' },
  pid: { elixir: '144 ms', target: '≤ 50 ms' },
  eval: { elixir: '167 ms', target: '≤ 60 ms' },
  buildWarm: { elixir: '0.60 s', target: '≤ 1 s' },
  buildCold: { elixir: '0.76 s', target: '≤ 8 s' },
  sizeDir: { elixir: '11.2 MB', target: '—' },
  sizeTar: { elixir: '5.4 MB', target: '≤ 45 MB' },
  seaVsBundle: { elixir: '—', target: 'SEA not slower than node26 bundle.cjs' },
  // issue 16: foo's boot against a bare listener on the same Node binary
  bootVsFloor: { elixir: '—', target: '≤ 1.2×' },
  buildOneLine: { elixir: '—', target: 'bundle (and probe) only' },
};
