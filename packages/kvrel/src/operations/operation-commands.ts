/**
 * The launcher's operations commands (SPEC §10), for the release entry's dispatch: ping, status,
 * top, logs, install, uninstall, and rpc / eval with arguments. Returns undefined for any other
 * command, which the entry handles itself.
 */
import type { ApplicationDescriptor } from '@kvrel/runtime';
import type { ReleaseContext } from '../release-node/release-context.js';
import { evalCommand, rpcCommand } from './evaluate-commands.js';
import { installCommand, uninstallCommand } from './install-command.js';
import { logsCommand } from './logs-command.js';
import { pingCommand } from './ping-command.js';
import { statusCommand } from './status-command.js';
import { topCommand } from './top-command.js';

export function runOperationCommand(
  command: string,
  args: readonly string[],
  context: ReleaseContext,
  applications: readonly ApplicationDescriptor[],
): Promise<number> | undefined {
  switch (command) {
    case 'ping':
      return pingCommand();
    case 'status':
      return statusCommand(args);
    case 'top':
      return topCommand(args);
    case 'logs':
      return logsCommand(args, context);
    case 'install':
      return Promise.resolve(installCommand(args, context));
    case 'uninstall':
      return Promise.resolve(uninstallCommand(args, context));
    case 'rpc':
      return rpcCommand(args);
    case 'eval':
      return evalCommand(args, context, applications);
    default:
      return undefined;
  }
}
