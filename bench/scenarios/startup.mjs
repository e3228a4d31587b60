// The short commands against node's own floor (`node -e ""`, timed in the
// same rounds) and against tigervncserver doing the same job: list, status,
// logs, probe and kill, and their vncserver forms (-list, -kill), with one
// desktop running. Apart: where the CLI's own start-up goes (node, yargs,
// every command module, the control-socket round trip).
import { controlSocket, listRoundTrip, must, rounds, scenario, setPasswd, tsvnc, tsvncStart, vncserver, vncStart } from '../lib/tools.mjs';

await scenario(async ({ rows }) => {
  const row = (id, measure, tools = ['tsvnc']) => {
    const r = { id, measure, unit: 'ms', ...Object.fromEntries(tools.map((tool) => [tool, []])) };
    rows.push(r);
    return r;
  };
  const nodeAlone = row('node', '`node -e ""` (node alone: the floor)').tsvnc;
  const yargsOnly = row('node-yargs', 'node + import yargs + parse').tsvnc;
  const version = row('version', '`tsvnc --version` (yargs and every command module)').tsvnc;
  const idle = row('list-idle', '`tsvnc list`, no daemon, no sessions (no round trip)').tsvnc;
  const perl = row('perl', '`perl -e 1` (perl alone)', ['tigervncserver']).tigervncserver;
  const root = process.env.TSVNC_ROOT;
  for (const _ of rounds()) {
    nodeAlone.push((await must(process.execPath, ['-e', ''])).ms);
    yargsOnly.push((await must(process.execPath, ['--input-type=module', '-e', 'import yargs from "yargs"; yargs(["x"]).parse();'], { cwd: root })).ms);
    version.push((await tsvnc(['--version'])).ms);
    idle.push((await tsvnc(['list'])).ms);
    perl.push((await must('perl', ['-e', '1'])).ms);
  }

  // One desktop of each, on :1 (tsvnc) and :2 (tigervncserver); the commands ask about their own.
  await setPasswd();
  await tsvncStart([':1']);
  await vncStart([':2']);
  const both = ['tsvnc', 'tigervncserver'];
  const list = row('cmd-list', '`tsvnc list` vs `tigervncserver -list`, 1 session', both);
  const dashList = row('cmd-dash-list', '`tsvnc -list` (vncserver form) vs `tigervncserver -list`', both);
  const status = row('cmd-status', '`tsvnc status :1`');
  const logs = row('cmd-logs', '`tsvnc logs :1`');
  const probe = row('cmd-probe', '`tsvnc probe :3`');
  const kill = row('cmd-kill', '`tsvnc kill :1` vs `tigervncserver -kill :2`', both);
  const dashKill = row('cmd-dash-kill', '`tsvnc -kill :1` (vncserver form) vs `tigervncserver -kill :2`', both);
  const trip = row('round-trip', 'one list request from a running process (socket + daemon, no CLI)');
  const floor = row('cmd-node', '`node -e ""` in the same rounds').tsvnc;
  for (const _ of rounds()) {
    floor.push((await must(process.execPath, ['-e', ''])).ms);
    list.tsvnc.push((await tsvnc(['list'])).ms);
    list.tigervncserver.push((await vncserver(['-list'])).ms);
    dashList.tsvnc.push((await tsvnc(['-list'])).ms);
    dashList.tigervncserver.push((await vncserver(['-list'])).ms);
    status.tsvnc.push((await tsvnc(['status', ':1'])).ms);
    logs.tsvnc.push((await tsvnc(['logs', ':1'])).ms);
    probe.tsvnc.push((await tsvnc(['probe', ':3'])).ms);
    trip.tsvnc.push(await listRoundTrip(controlSocket()));
    kill.tsvnc.push((await tsvnc(['kill', ':1'])).ms);
    await tsvncStart([':1']);
    kill.tigervncserver.push((await vncserver(['-kill', ':2'])).ms);
    await vncStart([':2']);
    dashKill.tsvnc.push((await tsvnc(['-kill', ':1'])).ms);
    await tsvncStart([':1']);
    dashKill.tigervncserver.push((await vncserver(['-kill', ':2'])).ms);
    await vncStart([':2']);
  }
});
