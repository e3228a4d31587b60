// Probing :1-:99 (`tsvnc doctor`): the in-process scan time the report states,
// and the whole command's wall time, which adds node's and the CLI's start-up.
// Usage: node bench/doctor-scan.mjs [runs]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
const runs = Number(process.argv[2] ?? 21);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[0].toFixed(0)}-${sorted[sorted.length - 1].toFixed(0)}`;
}

const scan = [];
const wall = [];
const startup = [];
for (let i = 0; i < runs; i++) {
  let t = performance.now();
  execFileSync('node', [cli, '--version']);
  startup.push(performance.now() - t);
  t = performance.now();
  const report = JSON.parse(execFileSync('node', [cli, 'doctor', '--json'], { encoding: 'utf8' }));
  wall.push(performance.now() - t);
  scan.push(report.elapsedMs);
}
const row = (name, values) => `| ${name} | ${median(values).toFixed(0)} | ${spread(values)} |`;
console.log(`tsvnc doctor (:1-:99), ${runs} runs, node ${process.version}`);
console.log('| measure | median ms | min-max ms |\n| --- | --- | --- |');
console.log(row('scan of :1-:99 (in process)', scan));
console.log(row('tsvnc doctor, whole command', wall));
console.log(row('tsvnc --version (CLI start-up)', startup));
