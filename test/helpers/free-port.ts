/** The tests' one freePort (bench/lib/free-port.mjs is its copy for the bench, which runs without a TypeScript loader). */
export { freePort } from '../../packages/runtime/src/test-support/free-port.js';
