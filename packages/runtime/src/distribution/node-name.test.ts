import { describe, expect, it } from 'vitest';
import { formatNodeName, parseDistributionMode, parseNodeName, resolveNodeName, shortHostName, splitNodeName } from './node-name.js';

describe('node names', () => {
  it('takes the first label of the host name for sname', () => {
    expect(shortHostName('db1.example.com')).toBe('db1');
    expect(shortHostName('box')).toBe('box');
  });

  it('adds the short host name to a bare sname', () => {
    expect(parseNodeName('foo', 'sname', 'box.example.com')).toEqual({ name: 'foo', host: 'box' });
    expect(parseNodeName('foo@other', 'sname', 'box')).toEqual({ name: 'foo', host: 'other' });
  });

  it('keeps the host of a long name as given', () => {
    expect(parseNodeName('foo@127.0.0.1', 'name')).toEqual({ name: 'foo', host: '127.0.0.1' });
    expect(formatNodeName({ name: 'foo', host: 'db1.example.com' })).toBe('foo@db1.example.com');
  });

  it('raises for a long name without host', () => {
    expect(() => parseNodeName('foo', 'name')).toThrow('node name "foo" is not valid: RELEASE_DISTRIBUTION=name needs a host, as in "foo@127.0.0.1"');
  });

  it('raises for a short name with a dotted host', () => {
    expect(() => parseNodeName('foo@127.0.0.1', 'sname')).toThrow(
      'node name "foo@127.0.0.1" is not valid: a short name (sname) cannot have a dotted host; use RELEASE_DISTRIBUTION=name for full host names',
    );
  });

  it('raises for bad characters, empty parts and over-long names', () => {
    expect(() => splitNodeName('fo o@h')).toThrow('node name "fo o@h" is not valid: use letters, digits, "_" and "-" before "@"');
    expect(() => splitNodeName('@h')).toThrow('node name "@h" is not valid: the part before "@" is empty');
    expect(() => splitNodeName('foo@')).toThrow('node name "foo@" is not valid: the host after "@" is empty');
    expect(() => splitNodeName('foo@h/x')).toThrow('node name "foo@h/x" is not valid: use letters, digits, ".", "_" and "-" in the host');
    expect(() => splitNodeName('foo')).toThrow('node name "foo" is not valid: expected "name@host"');
    expect(() => splitNodeName(`${'a'.repeat(250)}@host1`)).toThrow('is longer than 255 bytes');
    expect(splitNodeName('a_b-1@h-1.x_y')).toEqual({ name: 'a_b-1', host: 'h-1.x_y' });
  });

  it('reads RELEASE_DISTRIBUTION, sname by default', () => {
    expect(parseDistributionMode(undefined)).toBe('sname');
    expect(parseDistributionMode('')).toBe('sname');
    expect(parseDistributionMode('name')).toBe('name');
    expect(parseDistributionMode('none')).toBe('none');
    expect(() => parseDistributionMode('long')).toThrow('RELEASE_DISTRIBUTION must be one of sname, name, none (got "long")');
  });

  it('resolves RELEASE_NODE, defaulting to the release name', () => {
    expect(resolveNodeName({ releaseName: 'foo', hostname: 'box.lan' })).toEqual({ name: 'foo', host: 'box', mode: 'sname', full: 'foo@box' });
    expect(resolveNodeName({ distribution: 'name', node: 'bar@127.0.0.1', releaseName: 'foo' })?.full).toBe('bar@127.0.0.1');
    expect(resolveNodeName({ distribution: 'sname', node: '', releaseName: 'foo', hostname: 'h' })?.full).toBe('foo@h');
    expect(resolveNodeName({ distribution: 'none', node: 'bar@127.0.0.1', releaseName: 'foo' })).toBeUndefined();
    expect(() => resolveNodeName({ distribution: 'name', releaseName: 'foo' })).toThrow('needs a host');
  });
});
