// How long each measurement runs: the full bench (≤ ~6 min in all) or --quick (a smoke check, ≤ ~1 min).
export function durations(quick) {
  return quick
    ? { loadWarmupS: 0.3, loadS: 1, kvloadWarmupS: 0, kvloadS: 1, memoryKeys: 200_000, memoryObserveS: 3, repeats: 3, coldBuilds: 1, warmBuilds: 1 }
    : { loadWarmupS: 1, loadS: 5, kvloadWarmupS: 1, kvloadS: 10, memoryKeys: 1_000_000, memoryObserveS: 15, repeats: 11, coldBuilds: 3, warmBuilds: 5 };
}
