// Where a short command's time goes: node itself, yargs, the CLI's modules,
// the control-socket round trip with the daemon's own work; next to perl and
// the tigervncserver wrapper doing the same job.
import { connect } from 'node:net';
import { readdirSync } from 'node:fs';
import { HOME, must, rounds, scenario, setPasswd, tsvnc, vncserver } from '../lib/tools.mjs';

/** One `list` request from an already running process: the socket round trip plus the daemon's work. */
function roundTrip(socketPath) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = connect({ path: socketPath });
    let answer = '';
    socket.on('connect', () => socket.write('{"op":"list"}\n'));
    socket.on('data', (chunk) => { answer += chunk; });
    socket.on('error', reject);
    socket.on('close', () => (answer.includes('"result"') ? resolve(performance.now() - t0) : reject(new Error(`no answer: ${answer}`))));
  });
}

await scenario(async ({ rows }) => {
  const row = (id, measure, tool = 'tsvnc') => {
    const r = { id, measure, unit: 'ms', [tool]: [] };
    rows.push(r);
    return r[tool];
  };
  const nodeAlone = row('node', '`node -e ""` (node alone)');
  const yargsOnly = row('node-yargs', 'node + import yargs + parse');
  const version = row('version', '`tsvnc --version` (every command module)');
  const idle = row('list-idle', '`tsvnc list`, no daemon, no sessions (no round trip)');
  const listed = row('list-0', '`tsvnc list`, daemon running, no sessions');
  const trip = row('round-trip', 'one list request from a running process (socket + daemon)');
  const perl = row('perl', '`perl -e 1` (perl alone)', 'tigervncserver');
  const wrapperList = row('wrapper-list-0', '`tigervncserver -list`, no sessions', 'tigervncserver');
  const root = process.env.TSVNC_ROOT;
  for (const _ of rounds()) {
    nodeAlone.push((await must(process.execPath, ['-e', ''])).ms);
    yargsOnly.push((await must(process.execPath, ['--input-type=module', '-e', 'import yargs from "yargs"; yargs(["x"]).parse();'], { cwd: root })).ms);
    version.push((await tsvnc(['--version'])).ms);
    idle.push((await tsvnc(['list'])).ms);
    perl.push((await must('perl', ['-e', '1'])).ms);
    wrapperList.push((await vncserver(['-list'])).ms);
  }
  await setPasswd();
  await tsvnc(['daemon']);
  const dir = readdirSync(`${HOME}/.vnc`).find((name) => name.startsWith('tsvnc-'));
  for (const _ of rounds()) {
    listed.push((await tsvnc(['list'])).ms);
    trip.push(await roundTrip(`${HOME}/.vnc/${dir}/control.sock`));
  }
});
