import { describe, expect, it } from 'vitest';
import { parsePortVariable, portMapperPortFromEnv } from './ports.js';

describe('ports', () => {
  it('reads KVREL_PORT_MAPPER_PORT, 4370 by default', () => {
    expect(portMapperPortFromEnv({})).toBe(4370);
    expect(portMapperPortFromEnv({ KVREL_PORT_MAPPER_PORT: ' 5000 ' })).toBe(5000);
  });

  it('refuses port 0 for the port mapper: every node of the host must find it', () => {
    expect(() => portMapperPortFromEnv({ KVREL_PORT_MAPPER_PORT: '0' })).toThrow('KVREL_PORT_MAPPER_PORT must be a port number');
  });

  it('raises for a port that is not a number', () => {
    expect(parsePortVariable('KVREL_DIST_PORT', '')).toBeUndefined();
    expect(parsePortVariable('KVREL_DIST_PORT', '0')).toBe(0);
    expect(() => parsePortVariable('KVREL_DIST_PORT', '70000')).toThrow('KVREL_DIST_PORT must be a port number from 0 to 65535 (got "70000")');
    expect(() => parsePortVariable('KVREL_DIST_PORT', '12ab')).toThrow('(got "12ab")');
  });
});
