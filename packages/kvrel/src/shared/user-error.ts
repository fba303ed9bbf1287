/**
 * kvrel's mistakes a user can make (bad config, unknown release, missing file): coded errors, which
 * report-failure.ts prints as one line (Mix's Mix.Error versus an exception).
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
  'KVREL_RELEASE_TMP_UNUSABLE',
  'KVREL_EMPTY_COOKIE',
  'KVREL_NO_DISTRIBUTION',
  'KVREL_NODE_NOT_RUNNING',
  'KVREL_UNPRINTABLE_PATH',
  'KVREL_BAD_TEMPLATE',
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
