/** The hidden command kvrel runs once on each built executable to check that it answers. */
export const PROBE_COMMAND = 'kvrel-probe';
