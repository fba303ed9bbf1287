/** The SEA's main: bundled into one CommonJS file, the only code a release's executable embeds. */
import { launcherMain } from './launcher-main.js';

void launcherMain();
