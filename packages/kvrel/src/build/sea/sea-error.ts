/**
 * Errors a user can cause while kvrel makes a single executable application. Each carries a code and a
 * one-line message that names the thing, what is wrong and the fix; the CLI prints the message only.
 */
import { CodedError } from '@kvrel/runtime/internal';

export const SEA_ERROR_CODES = [
  'KVREL_NODE_UNSUPPORTED_PLATFORM',
  'KVREL_NODE_FETCH_FAILED',
  'KVREL_NODE_INTEGRITY_MISMATCH',
  'KVREL_NODE_BINARY_UNUSABLE',
  'KVREL_NODE_NO_SEA',
  'KVREL_NODE_NO_EXEC_ARGV',
  'KVREL_SEA_BLOB_FAILED',
  'KVREL_SEA_INJECT_FAILED',
  'KVREL_SEA_SMOKE_TEST_FAILED',
] as const;

export type SeaErrorCode = (typeof SEA_ERROR_CODES)[number];

export class SeaError extends CodedError<SeaErrorCode> {
  constructor(code: SeaErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'SeaError';
  }
}

/** The first non-empty line of a tool's output, trimmed, so messages stay on one line. */
export function firstLine(text: string, fallback = 'no output'): string {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line ?? fallback;
}
