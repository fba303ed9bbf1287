import { CodedError, isCodedError } from '@kvrel/runtime/internal';
import { describe, expect, it } from 'vitest';
import { SeaError } from '../build/sea/sea-error.js';
import { UserError } from './user-error.js';

describe('UserError and SeaError', () => {
  it('extend the runtime coded error and read as coded errors', () => {
    const user = new UserError('KVREL_UNKNOWN_RELEASE', 'no release "x"');
    const sea = new SeaError('KVREL_SEA_BLOB_FAILED', 'the blob failed');
    for (const error of [user, sea]) {
      expect(error).toBeInstanceOf(CodedError);
      expect(isCodedError(error)).toBe(true);
    }
    expect(user).toMatchObject({ name: 'UserError', code: 'KVREL_UNKNOWN_RELEASE' });
    expect(sea).toMatchObject({ name: 'SeaError', code: 'KVREL_SEA_BLOB_FAILED' });
    expect(isCodedError(new TypeError('a bug'))).toBe(false);
  });
});
