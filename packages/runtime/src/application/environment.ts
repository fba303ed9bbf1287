/**
 * The application environment: per-application key/value configuration (OTP's application env).
 * Defaults come from each spec's `env`, then configuration is merged over them at boot.
 */
import { RuntimeError } from '../errors.js';

const store = new Map<string, Map<string, unknown>>();

function table(app: string): Map<string, unknown> {
  let entries = store.get(app);
  if (!entries) {
    entries = new Map();
    store.set(app, entries);
  }
  return entries;
}

export function getEnv<T = unknown>(app: string, key: string, defaultValue?: T): T {
  const entries = store.get(app);
  return (entries?.has(key) ? entries.get(key) : defaultValue) as T;
}

export function fetchEnv<T = unknown>(app: string, key: string): T {
  const entries = store.get(app);
  if (!entries?.has(key)) {
    throw new RuntimeError({ code: 'RUNTIME_ENV_NOT_SET', app, key, loaded: entries !== undefined });
  }
  return entries.get(key) as T;
}

export function putEnv(app: string, key: string, value: unknown): void {
  table(app).set(key, value);
}

export function deleteEnv(app: string, key: string): void {
  store.get(app)?.delete(key);
}

/** All keys of one application, as a plain object (what `Application.get_all_env` returns). */
export function getAllEnv(app: string): Record<string, unknown> {
  return Object.fromEntries(store.get(app) ?? []);
}

/** Loads an application's environment: its defaults, overridden key by key by its configuration. */
export function loadEnv(app: string, defaults: Record<string, unknown> | undefined, config: Record<string, unknown> | undefined): void {
  const entries = table(app);
  for (const [key, value] of Object.entries(defaults ?? {})) if (!entries.has(key)) entries.set(key, value);
  for (const [key, value] of Object.entries(config ?? {})) entries.set(key, value);
}

export function isLoaded(app: string): boolean {
  return store.has(app);
}

/** Forgets everything (tests only). */
export function resetEnv(): void {
  store.clear();
}
