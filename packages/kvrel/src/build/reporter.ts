/** What kvrel tells the user while it works. The console one prints; tests inject a recorder; the SEA layer's default says nothing. */
export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleReporter: Reporter = {
  info: (message) => process.stdout.write(`${message}\n`),
  warn: (message) => process.stderr.write(`warning: ${message}\n`),
};

export const silentReporter: Reporter = {
  info() {},
  warn() {},
};

export function recordingReporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`) };
}
