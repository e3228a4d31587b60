// Probing :1-:99 (`tsvnc doctor` without a display: the scan time it reports
// and the whole command), and choosing a display when :1-:39 are taken by
// running servers: tsvnc start and tigervncserver both land on :40.
import { rawStart, rounds, scenario, setPasswd, tsvnc, tsvncStart, vncserver, vncStart, killAllTsvnc } from '../lib/tools.mjs';

const TAKEN = 39;

await scenario(async ({ rows }) => {
  await setPasswd();
  const scan = { id: 'doctor-scan', measure: 'probe :1-:99 (in process, as `tsvnc doctor` reports it)', unit: 'ms', tsvnc: [] };
  const whole = { id: 'doctor-whole', measure: '`tsvnc doctor`, whole command', unit: 'ms', tsvnc: [] };
  const choose = { id: 'choose-40', measure: `start when :1-:${TAKEN} are taken (lands on :${TAKEN + 1})`, unit: 'ms', tsvnc: [], tigervncserver: [], raw: [] };
  rows.push(scan, whole, choose);
  for (const _ of rounds()) {
    const result = await tsvnc(['doctor', '--json']);
    whole.tsvnc.push(result.ms);
    scan.tsvnc.push(JSON.parse(result.stdout).elapsedMs);
  }
  // Small screens: these servers only need to hold their displays.
  const blockers = [];
  for (let n = 1; n <= TAKEN; n++) blockers.push(await rawStart(n, { geometry: '64x64' }));
  await tsvnc(['daemon']);
  for (const _ of rounds()) {
    const started = await tsvncStart(['--json']);
    const display = JSON.parse(started.stdout).display;
    if (display !== TAKEN + 1) throw new Error(`tsvnc chose :${display}, expected :${TAKEN + 1}`);
    choose.tsvnc.push(started.ms);
    await killAllTsvnc();
    const wrapper = await vncStart();
    if (!wrapper.stdout.concat(wrapper.stderr).includes(`:${TAKEN + 1}`)) throw new Error(`tigervncserver did not choose :${TAKEN + 1}: ${wrapper.stderr}`);
    choose.tigervncserver.push(wrapper.ms);
    await vncserver(['-kill', `:${TAKEN + 1}`]);
    const raw = await rawStart(TAKEN + 1);
    choose.raw.push(raw.ms);
    await raw.stop();
  }
  await Promise.all(blockers.map((b) => b.stop()));
});
