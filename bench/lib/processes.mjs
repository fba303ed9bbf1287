// Every process the bench starts goes through here: tracked by pid, output kept (bounded), stopped by
// pid with SIGTERM then SIGKILL after a deadline; stopAll() at the end, killAllNow() on a hard exit.
import { spawn } from 'node:child_process';

const MAX_OUTPUT = 64 * 1024;
const live = new Map(); // pid -> child

export function spawnTracked(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  live.set(child.pid, child);
  child.output = '';
  const keep = (d) => {
    child.output += d;
    if (child.output.length > MAX_OUTPUT) child.output = child.output.slice(-MAX_OUTPUT);
    child.emit('output');
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  child.exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child.pid);
      child.exitStatus = { code, signal };
      resolve(child.exitStatus);
    }),
  );
  return child;
}

/** Resolves when the child's output matches `pattern`; rejects when it exits first or after timeoutMs. */
export function waitForOutput(child, pattern, timeoutMs, what = String(pattern)) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = pattern.exec(child.output);
      if (m) return done(null, m);
    };
    const timer = setTimeout(() => done(new Error(`waiting for ${what}: nothing after ${timeoutMs} ms; output:\n${tail(child.output)}`)), timeoutMs);
    const onExit = () =>
      setImmediate(
        () => check() ?? done(new Error(`waiting for ${what}: the process exited (${JSON.stringify(child.exitStatus)}); output:\n${tail(child.output)}`)),
      );
    function done(error, value) {
      clearTimeout(timer);
      child.off('output', check);
      child.off('exit', onExit);
      error ? reject(error) : resolve(value);
    }
    child.on('output', check);
    child.once('exit', onExit);
    check();
  });
}

export async function stopProcess(child, timeoutMs = 5000) {
  if (child.exitStatus) return child.exitStatus;
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {}
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  if ((await Promise.race([child.exited, late])) === 'late') {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
  }
  clearTimeout(timer);
  return child.exited;
}

export async function stopAll() {
  await Promise.all([...live.values()].map((c) => stopProcess(c)));
}

export function killAllNow() {
  for (const pid of live.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

export function tail(text, lines = 15) {
  return text.split('\n').slice(-lines).join('\n');
}

/** The child's exit status; past timeoutMs it is stopped and this throws, naming `what`. */
export async function waitForExit(child, timeoutMs, what) {
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  const status = await Promise.race([child.exited, late]);
  clearTimeout(timer);
  if (status === 'late') {
    await stopProcess(child);
    throw new Error(`${what} ran over ${timeoutMs} ms`);
  }
  return status;
}
