/** kvrel's library surface: what releases.config.ts imports. */
export { main, createProgram } from './cli.js';
