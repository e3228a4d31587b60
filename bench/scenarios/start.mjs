// Start to ready, one desktop at a time on :1: tsvnc with its daemon running
// and cold, tigervncserver, and the bare server and `node -e ""` as the floor
// (a start cannot beat the server's readiness plus node's own start-up). The tools take
// turns within each round, so background load falls on all of them alike.
import { must, rawStart, rounds, scenario, setPasswd, stopDaemon, tsvnc, tsvncStart, vncserver, vncStart, killAllTsvnc, run, CLI } from '../lib/tools.mjs';

await scenario(async ({ rows }) => {
  await setPasswd();
  const warm = [];
  const cold = [];
  const wrapper = [];
  const raw = [];
  const cliOnly = [];
  const nodeAlone = [];
  await tsvnc(['daemon']);
  for (const _ of rounds()) {
    warm.push((await tsvncStart([':1'])).ms);
    await killAllTsvnc();
    await stopDaemon();
    cold.push((await tsvncStart([':1'])).ms);
    await killAllTsvnc();
    wrapper.push((await vncStart([':1'])).ms);
    await vncserver(['-kill', ':1']);
    const server = await rawStart(1);
    raw.push(server.ms);
    await server.stop();
    // The CLI's own part of a start: node, yargs and start's modules, up to
    // the option check that refuses --depth 7 before any daemon is asked.
    cliOnly.push((await run(process.execPath, [CLI, 'start', '--depth', '7'])).ms);
    nodeAlone.push((await must(process.execPath, ['-e', ''])).ms);
  }
  rows.push({ id: 'start-warm', measure: 'start to ready, daemon running', unit: 'ms', tsvnc: warm, tigervncserver: wrapper, raw });
  rows.push({ id: 'start-cold', measure: 'start to ready, no daemon yet (cold)', unit: 'ms', tsvnc: cold, tigervncserver: wrapper, raw });
  rows.push({ id: 'start-node', measure: '`node -e ""` in the same rounds', unit: 'ms', tsvnc: nodeAlone });
  rows.push({ id: 'start-cli', measure: "the CLI's own part (`start --depth 7`: load, parse, refuse)", unit: 'ms', tsvnc: cliOnly });
});
