// Development overrides (kvrel run).
export default {
  logger: { level: 'info' },
};
