// Production overrides (kvrel release).
export default {
  logger: { level: 'info' },
};
