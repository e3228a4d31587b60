// 10 desktops started at once, until all are ready: ten `tsvnc start`
// commands, one `tsvnc start --count 10`, ten tigervncserver and ten bare
// servers in parallel. tsvnc picks the displays; tigervncserver and the bare
// servers get :1-:N, because
// tigervncserver left to pick races with itself and most starts fail (one
// round shows how many).
import { killAllTsvnc, killAllVnc, noServers, rawStart, rounds, run, RUNS, scenario, setPasswd, tsvnc, tsvncStart, GEOMETRY, DEPTH } from '../lib/tools.mjs';

const WRAPPER_ARGS = ['-noxstartup', '-autokill', 'no', '-geometry', GEOMETRY, '-depth', DEPTH];

async function together(count, start) {
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: count }, (_, i) => start(i)));
  return { ms: performance.now() - t0, results };
}

await scenario(async ({ rows, notes }) => {
  await setPasswd();
  await tsvnc(['daemon']);
  // tigervncserver's concurrent starts retry on ~/.Xauthority's lock and take tens of seconds: fewer rounds.
  const wrapperRounds = Math.min(RUNS, Number(process.env.BENCH_WRAPPER_CONCURRENT_RUNS ?? 3));
  const picking = await together(10, () => run('tigervncserver', WRAPPER_ARGS));
  notes.push(`tigervncserver left to pick displays, 10 at once: ${picking.results.filter((r) => r.code !== 0).length} of 10 failed (they race for the same display)`);
  await killAllVnc().catch(() => undefined);
  await noServers();
  for (const count of [10]) {
    const ours = [];
    const many = [];
    const wrapper = [];
    const raw = [];
    let wrapperFailures = 0;
    for (const i of rounds()) {
      ours.push((await together(count, () => tsvncStart())).ms);
      await killAllTsvnc();
      await noServers();
      many.push((await tsvncStart(['--count', String(count)])).ms);
      await killAllTsvnc();
      await noServers();
      if (i < wrapperRounds) {
        const started = await together(count, (k) => run('tigervncserver', [`:${k + 1}`, ...WRAPPER_ARGS]));
        const failed = started.results.filter((r) => r.code !== 0);
        wrapperFailures += failed.length;
        // A round where some starts failed is not a time for all N.
        if (failed.length === 0) wrapper.push(started.ms);
        else notes.push(`tigervncserver, ${count} at once: ${failed.length} failed, e.g. ${failed[0].stderr.trim().split('\n').pop()}`);
        await killAllVnc().catch(() => undefined);
        await noServers();
      }
      const servers = await together(count, (k) => rawStart(k + 1));
      raw.push(servers.ms);
      await Promise.all(servers.results.map((s) => s.stop()));
      await noServers();
    }
    rows.push({ id: `concurrent-${count}`, measure: `${count} concurrent starts until all ready`, unit: 'ms', tsvnc: ours, tigervncserver: wrapper, raw, failures: { tigervncserver: wrapperFailures } });
    rows.push({ id: `count-${count}`, measure: `one \`tsvnc start --count ${count}\` until all ready`, unit: 'ms', tsvnc: many, tigervncserver: wrapper, raw });
  }
});
