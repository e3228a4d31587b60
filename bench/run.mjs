// `npm run bench`: every scenario in its own sandbox, one after the other,
// within a total time bound; raw results to bench/results/<date>.json and the
// tables in docs/benchmarks.md (the scenarios not run keep the saved runs' numbers).
//
// BENCH_RUNS=n        rounds per measure (default 9; 3 is a quick check)
// BENCH_TIME_LIMIT=s  total time bound in seconds (default 1500)
// BENCH_ONLY=a,b      only these scenarios
// BENCH_DOCS=0|1      write docs/benchmarks.md (default: only when BENCH_RUNS >= 5)
// TSVNC_BENCH_CLI     the CLI to measure (default dist/bundle/tsvnc.mjs if built, else dist/src/cli.js)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenario } from './lib/sandbox.mjs';
import { machine } from './lib/machine.mjs';
import { FULL_RUNS, updateDocs } from './report.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** After its sampling share a scenario may still finish a round and clean up. */
const GRACE_MS = 120_000;

function benchCli() {
  if (process.env.TSVNC_BENCH_CLI) return resolve(process.env.TSVNC_BENCH_CLI);
  const bundle = `${ROOT}dist/bundle/tsvnc.mjs`;
  return existsSync(bundle) ? bundle : `${ROOT}dist/src/cli.js`;
}

if (process.getuid?.() !== 0) {
  console.error('bench: needs root, like the integration tests (unshare of net, mount and pid namespaces)');
  process.exit(1);
}
const runs = Number(process.env.BENCH_RUNS ?? 9);
const limitMs = Number(process.env.BENCH_TIME_LIMIT ?? 1500) * 1000;
const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const cli = benchCli();
if (cli.startsWith('/tmp/')) {
  console.error(`bench: ${cli} is under /tmp, which the sandbox replaces; build or copy it elsewhere`);
  process.exit(1);
}
const chosen = SCENARIOS.filter((s) => !only || only.includes(s.name));
const started = Date.now();
const end = started + limitMs;
const results = {
  date: new Date().toISOString(),
  machine: machine(),
  conditions: { runs, timeLimitSeconds: limitMs / 1000, cli: cli.startsWith(ROOT) ? cli.slice(ROOT.length) : cli },
  scenarios: {},
};

let weightLeft = chosen.reduce((sum, s) => sum + s.weight, 0);
for (const { name, weight } of chosen) {
  const now = Date.now();
  if (now >= end) {
    results.scenarios[name] = { skipped: 'the total time bound was reached before it' };
    continue;
  }
  const share = ((end - now) * weight) / weightLeft;
  weightLeft -= weight;
  process.stderr.write(`bench: ${name} (up to ${Math.round(share / 1000)} s) ... `);
  const t0 = Date.now();
  const result = await runScenario(name, {
    env: { BENCH_CLI: cli, BENCH_RUNS: String(runs), BENCH_DEADLINE: String(now + share) },
    timeoutMs: Math.min(share + GRACE_MS, end + GRACE_MS - now),
  });
  result.seconds = Math.round((Date.now() - t0) / 1000);
  results.scenarios[name] = result;
  process.stderr.write(`${result.seconds} s${result.error ? `, FAILED: ${result.error.split('\n')[0]}` : ''}\n`);
  if (result.error) process.stderr.write(`${result.stderr ?? result.error}\n`);
}
results.machine.loadavgAfter = machine().loadavg;
results.seconds = Math.round((Date.now() - started) / 1000);

const dir = `${ROOT}bench/results`;
mkdirSync(dir, { recursive: true });
const file = `${dir}/${results.date.replace(/:/g, '-').replace(/\..*$/, '')}.json`;
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
process.stderr.write(`bench: ${results.seconds} s in all; raw results in ${file.slice(ROOT.length)}\n`);
const docs = process.env.BENCH_DOCS === undefined ? runs >= FULL_RUNS : process.env.BENCH_DOCS === '1';
process.stdout.write(updateDocs(results, { write: docs }));
if (!docs) process.stderr.write('bench: docs/benchmarks.md left as it was (quick run; BENCH_DOCS=1 writes it)\n');
