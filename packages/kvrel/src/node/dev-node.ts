/**
 * The node side of `kvrel run`: bundled into the run folder's node.mjs and started by the folder's
 * small main script on the release's embedded Node (commands/run.ts spawns it). It reads what the CLI
 * prepared (boot.json: build-time configuration already evaluated, the runtime configuration files
 * compiled to ES modules beside it, distribution settings), evaluates the runtime configuration here
 * at boot as a release does, and boots the node. A boot failure is one `error:` line and exit 1, as
 * the CLI prints its own errors.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isCodedError, keepRunning, setPortMapperSpawner, type ApplicationDescriptor } from '@kvrel/runtime/internal';
import { bootNode } from './boot-node.js';
import { DEV_NODE_PARENT_ENV, type DevNodeBoot } from '../shared/dev-node-boot.js';
import { failureReport } from '../shared/format-failure.js';
import { UserError } from '../shared/user-error.js';

export async function runDevNode(applications: readonly ApplicationDescriptor[], bootFile: URL): Promise<void> {
  watchParent();
  const boot = JSON.parse(readFileSync(bootFile, 'utf8')) as DevNodeBoot;
  setPortMapperSpawner(({ port }) => {
    const env: NodeJS.ProcessEnv = { KVREL_RUN_PORT_MAPPER: '1', KVREL_PORT_MAPPER_PORT: String(port) };
    if (process.env['PATH'] !== undefined) env['PATH'] = process.env['PATH'];
    const child = spawn(boot.portMapper.command, boot.portMapper.args, { env, detached: true, stdio: 'ignore', cwd: '/' });
    child.on('error', () => {}); // the client's connect loop reports a mapper that never answers
    child.unref();
  });
  try {
    const runtimeConfig: Array<{ file: string; exported: unknown }> = [];
    for (const { file, module } of boot.runtimeConfig) runtimeConfig.push({ file, exported: await importConfig(file, module) });
    await bootNode({
      applications: [...applications],
      modes: boot.modes,
      env: boot.env,
      config: boot.config,
      runtimeConfig,
      distribution: boot.distribution,
      startApplications: boot.startApplications,
    });
  } catch (error) {
    // A bug underneath stays the cause, so its stack is printed below the line.
    const failure = isCodedError(error) ? error : new UserError('KVREL_BOOT_FAILED', error instanceof Error ? error.message : String(error), { cause: error });
    process.stderr.write(failureReport(failure, 'error: '));
    process.exit(1);
  }
  keepRunning();
}

/** A config file's default export; one that throws while loading is named with its reason, as the CLI does. */
async function importConfig(file: string, module: string): Promise<unknown> {
  try {
    return ((await import(module)) as { default?: unknown }).default;
  } catch (error) {
    throw new UserError('KVREL_CONFIG_LOAD_FAILED', `${file}: threw ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The CLI forwards SIGINT/SIGTERM; when it is killed outright its IPC channel closes and this node goes
 * too, at once, as the CLI did: a node left behind would hold its ports. The channel never keeps the
 * node alive, and cluster workers (which inherit neither the variable nor the channel) skip this.
 */
function watchParent(): void {
  if (process.env[DEV_NODE_PARENT_ENV] === undefined) return;
  delete process.env[DEV_NODE_PARENT_ENV];
  if (!process.channel) return;
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
