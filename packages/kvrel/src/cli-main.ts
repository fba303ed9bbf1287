/** Entry of the built CLI (dist/cli.cjs). */
import { main } from './cli.js';

void main();
