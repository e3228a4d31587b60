// What each of the daemon's node flags buys and costs: for each set of flags
// a daemon of its own (started here as `tsvnc daemon --foreground` is, under
// the flags), the time until it listens and of its first start on :1 (a cold
// start is both), and the daemon's memory at boot and with 50 desktops. The set src/daemon/launch-daemon.ts passes (DAEMON_NODE_FLAGS) is
// marked "shipped".
import { spawn } from 'node:child_process';
import { alive, CLI, controlSocket, killAllTsvnc, listRoundTrip, memory, noServers, rounds, scenario, setPasswd, tsvnc, tsvncSessions, tsvncStart, waitFor } from '../lib/tools.mjs';

const SHIPPED = ['--lite-mode'];
const SETS = [
  { name: 'no flags', flags: [] },
  { name: '--max-semi-space-size=1', flags: ['--max-semi-space-size=1'] },
  { name: 'shipped: --lite-mode', flags: SHIPPED },
  { name: '--lite-mode --max-semi-space-size=1 (shipped before)', flags: ['--lite-mode', '--max-semi-space-size=1'] },
];
const id = (flags) => flags.join('') || 'none';

async function startDaemon(flags) {
  const child = spawn(process.execPath, [...flags, CLI, 'daemon', '--foreground'], { detached: true, stdio: 'ignore', cwd: '/' });
  child.unref();
  await waitFor(() => listRoundTrip(controlSocket()).then(() => true, () => false), 10_000, `the daemon under ${flags.join(' ') || 'no flags'} to listen`);
  return child.pid;
}

async function stopDaemon(pid) {
  process.kill(pid, 'SIGTERM');
  await waitFor(() => !alive(pid), 10_000, `the daemon ${pid} to exit`);
}

await scenario(async ({ rows, extra }) => {
  await setPasswd();
  const boots = new Map(SETS.map(({ name, flags }) => [name, { id: `memflags-boot-${id(flags)}`, measure: `daemon boot until it listens, under ${name}`, unit: 'ms', tsvnc: [] }]));
  const starts = new Map(SETS.map(({ name, flags }) => [name, { id: `memflags-start-${id(flags)}`, measure: `first start to ready, daemon under ${name}`, unit: 'ms', tsvnc: [] }]));
  rows.push(...boots.values(), ...starts.values());
  // Times: the sets take turns within each round, so background load falls on all of them alike.
  for (const _ of rounds()) {
    for (const { name, flags } of SETS) {
      const t0 = performance.now();
      const pid = await startDaemon(flags);
      boots.get(name).tsvnc.push(performance.now() - t0);
      starts.get(name).tsvnc.push((await tsvncStart([':1'])).ms);
      await tsvnc(['kill', ':1']);
      await stopDaemon(pid);
    }
  }
  // Memory: at boot and with 50 desktops.
  extra.memoryFlags = [];
  for (const { name, flags } of SETS) {
    const pid = await startDaemon(flags);
    const bootRss = memory(pid).rss;
    await tsvncSessions(50);
    // The heap settles once the starts' garbage is collected; a few list requests give it time.
    for (let i = 0; i < 5; i++) await tsvnc(['list']);
    extra.memoryFlags.push({ name, flags, shipped: flags.join(' ') === SHIPPED.join(' '), sessions: 50, ...memory(pid), bootRss });
    await killAllTsvnc();
    await noServers();
    await stopDaemon(pid);
  }
});
