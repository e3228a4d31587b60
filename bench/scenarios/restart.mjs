// After `kill -9` of a session's server: how long until the daemon notices
// (its "restarting" log line) and until the display serves X again, for a
// server that is the daemon's own child and for one adopted from an earlier
// daemon. Each kill is a first failure (restart window 1 s, kills 1.2 s
// apart), whose restart is immediate. tigervncserver has no supervision.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { alive, daemonPid, HOME, pidsOf, rounds, scenario, serves, setPasswd, tsvnc, tsvncStart, waitFor } from '../lib/tools.mjs';

function daemonLog() {
  const dir = readdirSync(`${HOME}/.vnc`).find((name) => name.startsWith('tsvnc-'));
  return `${HOME}/.vnc/${dir}/daemon.log`;
}

const restarts = (log) => readFileSync(log, 'utf8').split('\n').filter((line) => line.includes('restarting')).length;

await scenario(async ({ rows }) => {
  await setPasswd();
  await tsvncStart(['--restart-window', '1']);
  const log = daemonLog();
  for (const adopted of [false, true]) {
    const notice = { id: `restart-notice-${adopted ? 'adopted' : 'child'}`, measure: `death noticed, ${adopted ? 'adopted server (its X connection closes)' : "the daemon's own child (exit event)"}`, unit: 'ms', tsvnc: [] };
    const serve = { id: `restart-serve-${adopted ? 'adopted' : 'child'}`, measure: `serving again after kill -9, ${adopted ? 'adopted server' : "the daemon's own child"}`, unit: 'ms', tsvnc: [] };
    rows.push(notice, serve);
    for (const _ of rounds()) {
      if (adopted) {
        const old = await daemonPid();
        process.kill(old, 'SIGKILL');
        await waitFor(() => !alive(old), 5000, 'the old daemon to die');
        await tsvnc(['list']);
      }
      const [old] = pidsOf('Xtigervnc');
      const seen = restarts(log);
      const t0 = performance.now();
      process.kill(old, 'SIGKILL');
      await waitFor(() => restarts(log) > seen, 10_000, 'the daemon to notice').catch((error) => {
        throw new Error(`${error.message}; the daemon's log ends:\n${readFileSync(log, 'utf8').split('\n').slice(-12).join('\n')}`);
      });
      notice.tsvnc.push(performance.now() - t0);
      await waitFor(() => pidsOf('Xtigervnc').some((p) => p !== old) && serves(1), 10_000, ':1 to serve again');
      serve.tsvnc.push(performance.now() - t0);
      await sleep(1200);
    }
  }
});
