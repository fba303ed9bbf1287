/**
 * The launcher's operations commands (SPEC §10): ping, status, top, logs, install, uninstall, and rpc
 * with arguments. Returns undefined for any other command, which the launcher handles itself.
 */
import type { ReleaseContext } from '../../shared/release-context.js';
import { rpcCommand } from './rpc-command.js';
import { installCommand, uninstallCommand } from './install-command.js';
import { logsCommand } from './logs-command.js';
import { pingCommand } from './ping-command.js';
import { statusCommand } from './status-command.js';
import { topCommand } from './top-command.js';

export function runOperationCommand(command: string, args: readonly string[], context: ReleaseContext): Promise<number> | undefined {
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
    default:
      return undefined;
  }
}
