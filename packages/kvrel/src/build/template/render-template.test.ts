import { describe, expect, it } from 'vitest';
import { renderTemplate } from './render-template.js';

describe('renderTemplate', () => {
  const bindings = { release: { name: 'foo', version: '0.0.1' } };

  it("replaces release fields, with or without Mix's @", () => {
    expect(renderTemplate('# export RELEASE_NODE=<%= release.name %>@127.0.0.1 <%= @release.version %>', bindings, 'env.sh.eex')).toBe(
      '# export RELEASE_NODE=foo@127.0.0.1 0.0.1',
    );
  });

  it('names an unknown value and the file', () => {
    expect(() => renderTemplate('<%= release.nope %>', bindings, 'rel/vm.args.eex')).toThrow('rel/vm.args.eex: <%= release.nope %> is not a known value');
  });
});
