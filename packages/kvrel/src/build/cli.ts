/**
 * The kvrel command line: registers the commands and turns errors into exit statuses. A UserError
 * prints `error: <message>` (no stack) and exits 1; anything else is a bug and prints its stack.
 */
import { Command, CommanderError } from 'commander';
import { initCommand } from './commands/init.js';
import { releaseCommand } from './commands/release.js';
import { runCommand } from './commands/run.js';
import { isUserError } from '../shared/user-error.js';
import { formatFailure } from '../shared/format-failure.js';
import { kvrelVersion } from './package-dir.js';

export function createProgram(): Command {
  const program = new Command('kvrel')
    .description('Mix-style releases for Node.js monorepos, and the nodes they run')
    .version(kvrelVersion())
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(runCommand().exitOverride());
  program.addCommand(initCommand().exitOverride());
  program.addCommand(releaseCommand().exitOverride());
  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await createProgram().parseAsync(argv as string[]);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (isUserError(error)) {
    process.stderr.write(`error: ${formatFailure(error)}\n`);
    if (process.env['KVREL_DEBUG'] === '1' && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
  process.stderr.write(`kvrel crashed, this is a bug:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}
