/**
 * Merges configuration as Config.Reader.merge does: plain objects merge deeply, anything else
 * (arrays, scalars, class instances) replaces what was there. Later arguments win.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function mergeConfig<T extends Record<string, unknown>>(...layers: readonly (T | undefined)[]): T {
  const out: Record<string, unknown> = {};
  for (const layer of layers) if (layer) mergeInto(out, layer);
  return out as T;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (isPlainObject(value)) {
      const base: Record<string, unknown> = isPlainObject(current) ? current : {};
      const merged: Record<string, unknown> = {};
      mergeInto(merged, base);
      mergeInto(merged, value);
      target[key] = merged;
    } else {
      target[key] = value;
    }
  }
}
