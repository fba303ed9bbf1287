// Overrides under the test runner (KVREL_ENV=test).
export default {
  logger: { level: 'info' },
};
