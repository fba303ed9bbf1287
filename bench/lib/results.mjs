// bench/results/<group>.json: one commit-friendly file per scenario group (stable keys, 2-space JSON),
// written to a .tmp name and renamed so a half-written file is never seen.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release } from 'node:os';
import { join } from 'node:path';
import { RESULTS_DIR } from './repo.mjs';

export function machine() {
  return { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', kernel: release(), benchNode: process.version };
}

export function writeResults(group, body) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${group}.json`);
  const doc = { group, date: new Date().toISOString(), machine: machine(), ...body };
  writeFileSync(`${file}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}
