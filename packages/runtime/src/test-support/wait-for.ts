/**
 * For the tests of every package and test/'s end-to-end files: polls a condition until it holds; the
 * failure says what was awaited, the last error the condition threw, and `details()` (a process's output).
 */
import { pollUntil } from '../deadline.js';

export async function waitFor<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string; details?: () => string } = {},
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
  const extra = options.details ? `\n${options.details()}` : '';
  throw new Error(`timed out waiting for ${options.what ?? 'a condition'}${last}${extra}`);
}
