/** For the runtime's own tests: polls a condition until it holds; the failure says what was awaited. */
import { pollUntil } from '../deadline.js';

export async function waitFor<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  let lastError: unknown;
  const check = async (): Promise<T | undefined> => {
    try {
      const value = await condition();
      return value === false ? undefined : value;
    } catch (error) {
      lastError = error;
      return undefined;
    }
  };
  const value = await pollUntil(check, { timeoutMs: options.timeoutMs ?? 15_000, intervalMs: options.intervalMs ?? 25 });
  if (value !== undefined) return value;
  const last = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out waiting for ${options.what ?? 'a condition'}${last}`);
}
