import { describe, expect, it } from 'vitest';
import { distAddressFrom, portMapperAddresses } from './dist-address.js';

describe('distribution address', () => {
  it('reads KVREL_DIST_ADDRESS over kernel.distAddress, unset meaning every interface', () => {
    expect(distAddressFrom({}, undefined)).toBeUndefined();
    expect(distAddressFrom({ KVREL_DIST_ADDRESS: ' ' }, undefined)).toBeUndefined();
    expect(distAddressFrom({}, '127.0.0.1')).toBe('127.0.0.1');
    expect(distAddressFrom({ KVREL_DIST_ADDRESS: '::1' }, '127.0.0.1')).toBe('::1');
  });

  it('refuses what is not an IP address, naming where it came from', () => {
    expect(() => distAddressFrom({ KVREL_DIST_ADDRESS: 'localhost' }, undefined)).toThrow(
      'KVREL_DIST_ADDRESS must be an IP address such as 127.0.0.1 (got "localhost")',
    );
    expect(() => distAddressFrom({}, 42)).toThrow(
      expect.objectContaining({ code: 'DIST_BAD_ADDRESS', message: 'kernel.distAddress must be an IP address such as 127.0.0.1 (got 42)' }),
    );
  });

  it('keeps the port mapper on 127.0.0.1 too, where nodes register', () => {
    expect(portMapperAddresses('0.0.0.0')).toEqual(['0.0.0.0']);
    expect(portMapperAddresses('127.0.0.1')).toEqual(['127.0.0.1']);
    expect(portMapperAddresses('10.1.2.3')).toEqual(['10.1.2.3', '127.0.0.1']);
  });
});
