// One-time passwords (issue 16): with --otp the daemon owns the VNC port,
// checks each viewer's password and relays to the server's private socket.
// Its cost against the same Xtigervnc reached directly on its TCP port, in
// the same rounds: a VncAuth login (connect to ServerInit), a one-pixel
// update's round trip, the daemon's CPU per MB of full Raw updates relayed,
// throughput; and `tsvnc otp :N` against node's own start-up.
import { rfbClient } from '../lib/rfb-client.mjs';
import { measureRelay } from '../lib/relay-measure.mjs';
import { daemonPid, must, rounds, scenario, setPasswd, tsvnc, tsvncStart } from '../lib/tools.mjs';

const PASSWORD = 'secret12';
const STREAM_MB = Number(process.env.BENCH_OTP_MB ?? 256);
const ROUND_TRIPS = 200;
const WARM_TRIPS = 10;
const MB = 2 ** 20;

async function timed(body) {
  const started = performance.now();
  const value = await body();
  return { value, ms: performance.now() - started };
}

await scenario(async ({ rows, notes }) => {
  await setPasswd();
  const direct = JSON.parse((await tsvncStart([':1', '--json'])).stdout);
  const proxied = JSON.parse((await tsvncStart([':2', '--otp', '--json'])).stdout);
  const daemon = await daemonPid();
  const paths = [
    { key: 'direct', address: `tcp://127.0.0.1:${direct.rfbPort}` },
    { key: 'tsvnc', address: `tcp://127.0.0.1:${proxied.rfbPort}`, relay: daemon },
  ];
  const row = (id, measure, unit, keys) => {
    const r = { id, measure, unit, ...Object.fromEntries(keys.map((k) => [k, []])) };
    rows.push(r);
    return r;
  };
  const login = row('otp-login', 'VncAuth login: connect to ServerInit', 'ms', ['tsvnc', 'direct']);
  const otpLogin = row('otp-login-otp', 'the same with a one-time password', 'ms', ['tsvnc']);
  const rtt = row('otp-rtt', `one-pixel update round trip (median of ${ROUND_TRIPS} per round)`, 'µs', ['tsvnc', 'direct']);
  const added = row('otp-rtt-added', 'latency added to that round trip (through tsvnc minus direct, per round)', 'µs', ['tsvnc']);
  const cpu = row('otp-cpu-mb', `CPU of the daemon per MB relayed (${STREAM_MB} MB of full Raw updates)`, 'ms/MB', ['tsvnc']);
  const rate = row('otp-rate', 'throughput of those updates, one request after the other', 'MB/s', ['tsvnc', 'direct']);
  const issue = row('otp-cli', '`tsvnc otp :N` (a command: node start-up, one request)', 'ms', ['tsvnc', 'node']);
  let frameBytes = 0;
  for (const i of rounds()) {
    issue.tsvnc.push((await timed(() => tsvnc(['otp', `:${proxied.display}`]))).ms);
    issue.node.push((await timed(() => must(process.execPath, ['-e', '']))).ms);
    const otp = (await tsvnc(['otp', `:${proxied.display}`])).stdout.trim();
    const once = await timed(() => rfbClient(paths[1].address, otp));
    otpLogin.tsvnc.push(once.ms);
    once.value.close();
    const trip = {};
    for (const path of i % 2 === 0 ? paths : [...paths].reverse()) {
      const { value: client, ms } = await timed(() => rfbClient(path.address, PASSWORD));
      login[path.key].push(ms);
      const measured = await measureRelay(client, path.key, { rtt, cpu, rate }, { relayPid: path.relay, streamMb: STREAM_MB, warmTrips: WARM_TRIPS, roundTrips: ROUND_TRIPS });
      ({ frameBytes } = measured);
      trip[path.key] = measured.rttUs;
      client.close();
    }
    added.tsvnc.push(trip.tsvnc - trip.direct);
  }
  notes.push(`a full update of the desktop is ${(frameBytes / MB).toFixed(1)} MB (MB of 2^20 bytes); direct is the same Xtigervnc build on its own TCP port (:${direct.display}), tsvnc the daemon's listener of :${proxied.display} in front of its Unix socket`);
});
