// A desktop in a browser through `tsvnc start --web` (issue 16): headless
// Chromium's time from navigation to the first frame of the desktop drawn,
// each load in a fresh browser context; and the gateway's cost against
// Debian's websockify in front of the same Xtigervnc with the same
// certificate, in the same rounds: CPU time of the relaying process per MB
// of full Raw updates relayed, and a one-pixel update's round trip through
// each against direct TCP to the RFB port. In tsvnc the daemon relays; in
// websockify the process it forks for the connection.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { chromium } from '../lib/chromium.mjs';
import { rfbClient } from '../lib/rfb-client.mjs';
import { measureRelay } from '../lib/relay-measure.mjs';
import { childrenOf, daemonPid, GEOMETRY, HOME, must, rounds, scenario, setPasswd, tsvncStart, waitFor } from '../lib/tools.mjs';

const PASSWORD = 'secret12';
/** Raw full updates relayed per tool and round. */
const STREAM_MB = Number(process.env.BENCH_WEB_MB ?? 256);
const ROUND_TRIPS = 200;
const WARM_TRIPS = 10;
const WEBSOCKIFY_PORT = 6080;
const MB = 2 ** 20;

const listens = (port) => new Promise((resolve) => {
  const socket = connect({ host: '127.0.0.1', port }, () => { socket.destroy(); resolve(true); });
  socket.on('error', () => resolve(false));
});

function startWebsockify(rfbPort, certDir) {
  const log = openSync('/tmp/websockify.log', 'w');
  const child = spawn('/usr/bin/websockify', [`--cert=${certDir}/cert.pem`, `--key=${certDir}/key.pem`, String(WEBSOCKIFY_PORT), `127.0.0.1:${rfbPort}`],
    { stdio: ['ignore', log, log] });
  closeSync(log);
  child.once('exit', (code) => { if (code !== null) process.stderr.write(`websockify exited with ${code}: ${readFileSync('/tmp/websockify.log', 'utf8').slice(-500)}\n`); });
  return child;
}

await scenario(async ({ rows, notes }) => {
  await setPasswd();
  const { display, rfbPort, web } = JSON.parse((await tsvncStart(['--web', '--json'])).stdout);
  // The desktop's colour, which the page's probe waits for on the canvas.
  await must('xsetroot', ['-display', `:${display}`, '-solid', '#ff00ff'], { env: { ...process.env, XAUTHORITY: `${HOME}/.Xauthority` } });
  const daemon = await daemonPid();
  const websockify = startWebsockify(rfbPort, `${process.env.XDG_CONFIG_HOME ?? `${HOME}/.config`}/tsvnc/tls`);
  await waitFor(() => listens(WEBSOCKIFY_PORT), 10_000, 'websockify to listen');
  const token = new URL(web.url).hash.slice('#token='.length);

  // relay: the process whose CPU is the relaying, found once the connection is up.
  const paths = [
    { key: 'direct', address: `tcp://127.0.0.1:${rfbPort}` },
    { key: 'tsvnc', address: `wss://127.0.0.1:${web.port}/websockify?token=${token}`, relay: () => daemon },
    {
      key: 'websockify',
      address: `wss://127.0.0.1:${WEBSOCKIFY_PORT}/`,
      relay: () => {
        const forked = childrenOf(websockify.pid);
        if (forked.length !== 1) throw new Error(`websockify has ${forked.length} connection processes, expected 1`);
        return forked[0];
      },
    },
  ];
  const row = (id, measure, unit, keys) => {
    const r = { id, measure, unit, ...Object.fromEntries(keys.map((k) => [k, []])) };
    rows.push(r);
    return r;
  };
  const page = {
    domContentLoaded: row('web-page-dcl', 'page load: DOMContentLoaded (the page and noVNC\'s modules, over HTTPS)', 'ms', ['tsvnc']),
    wsOpen: row('web-page-ws', 'page load: noVNC\'s WebSocket open (TLS, upgrade, token)', 'ms', ['tsvnc']),
    connect: row('web-page-connect', 'page load: noVNC\'s \'connect\' (both RFB handshakes, the gateway\'s VNC login)', 'ms', ['tsvnc']),
    firstDraw: row('web-page-draw', 'page load: noVNC\'s first draw onto the page\'s canvas', 'ms', ['tsvnc']),
    frame: row('web-page-frame', 'page load to the first frame of the desktop drawn in Chromium', 'ms', ['tsvnc']),
  };
  const rtt = row('web-rtt', `one-pixel update round trip (median of ${ROUND_TRIPS} per round)`, 'µs', ['tsvnc', 'websockify', 'direct']);
  const added = row('web-rtt-added', 'latency added to that round trip (relayed minus direct, per round)', 'µs', ['tsvnc', 'websockify']);
  const cpu = row('web-cpu-mb', `CPU of the relaying process per MB relayed (${STREAM_MB} MB of full Raw updates)`, 'ms/MB', ['tsvnc', 'websockify']);
  const rate = row('web-rate', 'throughput of those updates, one request after the other', 'MB/s', ['tsvnc', 'websockify', 'direct']);

  const browser = await chromium();
  try {
    // The first load of a fresh Chromium also starts its network service and more: not a user's next tab.
    await browser.load(web.url);
    let frameBytes = 0;
    const links = [];
    for (const i of rounds()) {
      const marks = await browser.load(web.url);
      for (const [name, r] of Object.entries(page)) r.tsvnc.push(marks[name]);
      const trip = {};
      // Each round starts with another path, so none always runs just after Chromium's load.
      for (const path of [...paths.slice(i % paths.length), ...paths.slice(0, i % paths.length)]) {
        const client = await rfbClient(path.address, PASSWORD);
        if (i === 0) links.push(`${path.key}: ${client.securityType === 1 ? 'None' : 'VncAuth'}${client.cipher ? ` over ${client.cipher}` : ''}`);
        const measured = await measureRelay(client, path.key, { rtt, cpu, rate }, { relayPid: path.relay?.(), streamMb: STREAM_MB, warmTrips: WARM_TRIPS, roundTrips: ROUND_TRIPS });
        ({ frameBytes } = measured);
        trip[path.key] = measured.rttUs;
        client.close();
        if (path.key === 'websockify') await waitFor(() => childrenOf(websockify.pid).length === 0, 10_000, 'websockify\'s connection process to exit');
      }
      for (const key of ['tsvnc', 'websockify']) added[key].push(trip[key] - trip.direct);
    }
    notes.push(`security types and TLS: ${links.join('; ')}`);
    notes.push(`a full update of the ${GEOMETRY} desktop is ${(frameBytes / MB).toFixed(1)} MB (MB of 2^20 bytes); Chromium's first load (a fresh browser) is left out`);
  } finally {
    browser.close();
    websockify.kill('SIGTERM');
  }
});
