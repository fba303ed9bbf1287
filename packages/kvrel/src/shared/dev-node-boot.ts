/** What `kvrel run`'s CLI hands the node it spawns (node/dev-node.ts): boot.json and one variable. */
import type { AppConfig, ConfigEnv, StartMode } from '@kvrel/runtime/internal';
import type { NodeDistribution } from './node-name.js';

/** boot.json, written by the CLI into the run folder (mode 0600: it may hold the cookie). */
export interface DevNodeBoot {
  readonly env: ConfigEnv;
  readonly modes: Record<string, StartMode>;
  readonly config: AppConfig;
  /** config/runtime.ts and each --config, in order: `module` is the compiled file's URL. */
  readonly runtimeConfig: ReadonlyArray<{ readonly file: string; readonly module: string }>;
  readonly distribution?: NodeDistribution;
  readonly startApplications: boolean;
  /** The kvrel CLI on the host's Node: the port mapper outlives this node and its run folder. */
  readonly portMapper: { readonly command: string; readonly args: readonly string[] };
}

/** Set by the CLI on its direct child only: that process exits when the CLI is gone (killed with SIGKILL). */
export const DEV_NODE_PARENT_ENV = 'KVREL_DEV_NODE_PARENT';
