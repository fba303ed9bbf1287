/** The tests' one waitFor. */
export { waitFor } from '../../packages/runtime/src/test-support/wait-for.js';
