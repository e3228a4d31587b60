// After `kill -9` of a session's server: how long until the daemon notices
// (its "restarting" log line), and until the display serves X again, for a
// server that is the daemon's child and for one adopted from an earlier
// daemon. Each kill is a first failure (1 s window, 1.2 s apart), whose
// restart is immediate. Runs in the test sandbox (root, private namespaces, /tmp).
// Usage: node bench/restart-time.mjs [runs]
import { sandbox } from '../dist/test/helpers/sandbox.js';

const runs = Number(process.argv[2] ?? 7);

/** Prints "notice serve" in ms after the kill, for `runs` kills in one sandbox. */
const script = (adopt) => `
  set_passwd
  tsvnc start --no-xstartup --restart-window 1 >/dev/null
  log=$(ls /tmp/home/.vnc/tsvnc-*/daemon.log)
  for i in $(seq ${runs}); do
    ${adopt ? `kill -9 $(daemon_pid); tsvnc list >/dev/null;` : ''}
    old=$(pgrep -x Xtigervnc); seen=$(grep -c 'restarting' $log)
    t0=$(date +%s%N); kill -9 $old
    until [ "$(grep -c 'restarting' $log)" -gt "$seen" ]; do sleep 0.005; done; t1=$(date +%s%N)
    until pgrep -x Xtigervnc | grep -vxq $old && timeout 1 xdpyinfo -display :1 >/dev/null 2>&1; do sleep 0.005; done; t2=$(date +%s%N)
    echo "@@sample $(( (t1 - t0) / 1000000 )) $(( (t2 - t0) / 1000000 ))"
    sleep 1.2
  done`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rows = [];
for (const adopt of [false, true]) {
  const run = await sandbox(script(adopt), { timeoutMs: 120_000 });
  const samples = [...run.stdout.matchAll(/^@@sample (\d+) (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
  if (samples.length === 0) throw new Error(`no samples:\n${run.stderr.slice(-2000)}`);
  const notice = samples.map((s) => s[0]);
  const serve = samples.map((s) => s[1]);
  const kind = adopt ? 'adopted server (daemon restarted before the kill)' : "daemon's own child";
  rows.push({ kind, runs: samples.length, notice, serve });
}
console.log(JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
console.log('\n| server | runs | death noticed, median ms (min-max) | serving again, median ms (min-max) |\n| --- | --- | --- | --- |');
for (const r of rows) {
  const fmt = (v) => `${median(v)} (${Math.min(...v)}-${Math.max(...v)})`;
  console.log(`| ${r.kind} | ${r.runs} | ${fmt(r.notice)} | ${fmt(r.serve)} |`);
}
