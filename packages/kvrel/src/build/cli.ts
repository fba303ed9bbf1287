/**
 * The kvrel command line: registers the commands and turns errors into exit statuses (a failure is
 * reported by failureReport and exits 1).
 */
import { Command, CommanderError } from 'commander';
import { defineInitCommand } from './commands/init.js';
import { defineReleaseCommand } from './commands/release.js';
import { defineRunCommand } from './commands/run.js';
import { failureReport } from '../shared/format-failure.js';
import { kvrelVersion } from './package-dir.js';

export function createProgram(): Command {
  const program = new Command('kvrel')
    .description('Mix-style releases for Node.js monorepos, and the nodes they run')
    .version(kvrelVersion())
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(defineRunCommand().exitOverride());
  program.addCommand(defineInitCommand().exitOverride());
  program.addCommand(defineReleaseCommand().exitOverride());
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
  process.stderr.write(failureReport(error, 'error: '));
  return 1;
}
