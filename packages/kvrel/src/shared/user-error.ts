/**
 * A mistake a user can make (bad config, unknown release, missing file). The CLI prints its message
 * on one line with no stack and exits 1; anything else is a bug and gets its stack
 * (Mix's Mix.Error versus an exception; KVREL_DEBUG=1 shows stacks for user errors too).
 */
import { CodedError } from '@kvrel/runtime/internal';

export const KVREL_ERROR_CODES = [
  'KVREL_CONFIG_LOAD_FAILED',
  'KVREL_CONFIG_INVALID',
  'KVREL_NOT_A_WORKSPACE',
  'KVREL_INVALID_APPLICATION',
  'KVREL_UNKNOWN_APPLICATION',
  'KVREL_UNKNOWN_RELEASE',
  'KVREL_INVALID_RELEASE',
  'KVREL_NO_RELEASE_NAME',
  'KVREL_BAD_OPTION',
  'KVREL_BOOT_FAILED',
  'KVREL_FILE_EXISTS',
  'KVREL_BUNDLE_FAILED',
  'KVREL_NODE_UNAVAILABLE',
  'KVREL_NO_RELEASES_CONFIG',
  'KVREL_TAR_FAILED',
  'KVREL_NATIVE_ADDON',
  'KVREL_UNSAFE_RELEASE_TMP',
  'KVREL_ALREADY_RUNNING',
  'KVREL_TYPESCRIPT_MISSING',
  'KVREL_UNKNOWN_TARGET',
] as const;

export type KvrelErrorCode = (typeof KVREL_ERROR_CODES)[number];

export class UserError extends CodedError<KvrelErrorCode> {
  constructor(code: KvrelErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'UserError';
  }
}

/** A UserError, or any error carrying a KVREL_ code (the SEA layer's SeaError). */
export function isUserError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && (error as unknown as { code: string }).code.startsWith('KVREL_');
}
