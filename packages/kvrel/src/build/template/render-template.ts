/**
 * Renders the `<%= release.name %>` tags of rel/*.eex templates (the subset of EEx they use):
 * a dotted path into the bindings, inserted as text. Anything else in a tag is an error naming it.
 */
import { UserError } from '../../shared/user-error.js';

const TAG = /<%=\s*([^%]*?)\s*%>/g;

export function renderTemplate(template: string, bindings: Readonly<Record<string, unknown>>, file: string): string {
  return template.replace(TAG, (_, expression: string) => {
    const path = expression.replace(/^@/, '').split('.');
    let value: unknown = bindings;
    for (const part of path) {
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    }
    if (value === undefined || value === null || typeof value === 'object') {
      throw new UserError('KVREL_BAD_TEMPLATE', `${file}: <%= ${expression} %> is not a known value (use release.name, release.version, release.env)`);
    }
    return String(value);
  });
}
