// Sums self time per function (and per script) of a V8 .cpuprofile (written by node --cpu-prof).
//   node bench/profile/summarize-cpuprofile.mjs <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export function summarizeCpuProfile(profile, top = 20) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = timeDeltas[i + 1] ?? 0; // a sample lasts until the next one
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt);
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const scripts = new Map();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const script = url ? shortUrl(url) : functionName || '(native)';
    const fn = `${functionName || '(anonymous)'}${url ? ` ${script}:${lineNumber + 1}` : ''}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    scripts.set(script, (scripts.get(script) ?? 0) + us);
  }
  const rank = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 100) / 10, selfPct: Math.round((us / totalUs) * 1000) / 10 }));
  return { totalMs: Math.round(totalUs / 1000), functions: rank(fns), scripts: rank(scripts) };
}

function shortUrl(url) {
  if (url.startsWith('node:')) return url;
  return basename(url.replace(/^file:\/\//, ''));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = summarizeCpuProfile(JSON.parse(readFileSync(process.argv[2], 'utf8')), Number(process.argv[3] ?? 25));
  console.log(`total ${s.totalMs} ms`);
  for (const f of s.functions) console.log(`${String(f.selfPct).padStart(5)} %  ${String(f.selfMs).padStart(8)} ms  ${f.name}`);
  console.log('\nby script:');
  for (const f of s.scripts) console.log(`${String(f.selfPct).padStart(5)} %  ${String(f.selfMs).padStart(8)} ms  ${f.name}`);
}
