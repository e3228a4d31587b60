// With 1, 10 and 50 sessions: `list` against `tigervncserver -list`; with 10,
// `kill :N` and kill-all against `tigervncserver -kill`; and the memory the
// daemon and the servers use at 0, 1, 10 and 50 sessions.
import {
  controlSocket, daemonPid, listRoundTrip, killAllTsvnc, killAllVnc, memory, pidsOf, rounds, scenario, setPasswd, tsvnc, tsvncSessions, tsvncStart,
  vncserver, vncSessions, vncStart,
} from '../lib/tools.mjs';

const COUNTS = [1, 10, 50];

function sample(pid) {
  const servers = pidsOf('Xtigervnc').map(memory);
  const mean = (key) => (servers.length === 0 ? null : servers.reduce((s, m) => s + m[key], 0) / servers.length);
  const daemon = memory(pid);
  return { servers: servers.length, daemonRss: daemon.rss, daemonPss: daemon.pss, serverRss: mean('rss'), serverPss: mean('pss') };
}

await scenario(async ({ rows, notes, extra }) => {
  await setPasswd();
  const pid = await daemonPid();
  const mem = [{ sessions: 0, ...sample(pid) }];
  extra.memory = mem;
  const plural = (n) => `${n} session${n > 1 ? 's' : ''}`;
  const listRows = new Map(COUNTS.map((n) => [n, { id: `list-${n}`, measure: `list, ${plural(n)}`, unit: 'ms', tsvnc: [], tigervncserver: [] }]));
  const tripRows = new Map(COUNTS.map((n) => [n, { id: `list-trip-${n}`, measure: `list request alone (socket + daemon, no CLI), ${plural(n)}`, unit: 'ms', tsvnc: [] }]));
  const killOne = { id: 'kill-one', measure: 'kill :N (10 sessions)', unit: 'ms', tsvnc: [], tigervncserver: [] };
  const killAll = { id: 'kill-all', measure: 'kill all, 10 sessions', unit: 'ms', tsvnc: [], tigervncserver: [] };
  rows.push(...listRows.values(), ...tripRows.values(), killOne, killAll);

  let have = 0;
  for (const n of COUNTS) {
    await tsvncSessions(n - have);
    have = n;
    for (const _ of rounds()) {
      listRows.get(n).tsvnc.push((await tsvnc(['list'])).ms);
      tripRows.get(n).tsvnc.push(await listRoundTrip(controlSocket()));
    }
    // The daemon's heap settles after the starts' garbage is collected; a few list calls give it time.
    mem.push({ sessions: n, ...sample(pid) });
    if (n === 10) {
      for (const _ of rounds()) {
        killOne.tsvnc.push((await tsvnc(['kill', ':10'])).ms);
        await tsvncStart([':10']);
      }
      for (const _ of rounds()) {
        killAll.tsvnc.push((await killAllTsvnc()).ms);
        await tsvncSessions(10);
      }
    }
  }
  await killAllTsvnc();

  have = 0;
  for (const n of COUNTS) {
    await vncSessions(have + 1, n - have);
    have = n;
    for (const _ of rounds()) listRows.get(n).tigervncserver.push((await vncserver(['-list'])).ms);
    if (n === 10) {
      for (const _ of rounds()) {
        killOne.tigervncserver.push((await vncserver(['-kill', ':10'])).ms);
        await vncStart([':10']);
      }
      for (const _ of rounds()) {
        killAll.tigervncserver.push((await killAllVnc()).ms);
        await vncSessions(1, 10);
      }
    }
  }
  await killAllVnc();
  notes.push('memory: RSS and PSS from /proc/PID/smaps_rollup; tigervncserver leaves no process of its own, only the servers');
});
