// Where a short command's time goes: node itself, yargs, the CLI's modules,
// the control-socket round trip with the daemon's own work; next to perl and
// the tigervncserver wrapper doing the same job.
import { controlSocket, listRoundTrip, must, rounds, scenario, setPasswd, tsvnc, vncserver } from '../lib/tools.mjs';

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
  for (const _ of rounds()) {
    listed.push((await tsvnc(['list'])).ms);
    trip.push(await listRoundTrip(controlSocket()));
  }
});
