import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Lifecycle } from '../../src/lifecycle/lifecycle.js';
import { realDeps } from '../../src/lifecycle/lifecycle-deps.js';
import type { ExitInfo, SessionRecord } from '../../src/model/session-record.js';
import { record as left } from './fakes.js';
import { identifyChild, isRunning, type ProcessIdentity } from '../../src/proc/process-identity.js';
import type { StatePaths } from '../../src/state/state-dir.js';

/** A display no test machine uses: the supervisor's file clean-up finds nothing of its own there. */
const DISPLAY = 59_001;

function fakeStore() {
  const calls: string[] = [];
  const store = {
    save: async (r: SessionRecord) => void calls.push(`save ${r.state}`),
    remove: async (n: number) => void calls.push(`remove ${n}`),
    loadAll: async () => ({ records: [] as SessionRecord[], damaged: [] }),
  };
  return { store, calls };
}

/** In its own session, as a session program is: ending the desktop finds it. */
async function sleeper(): Promise<{ id: ProcessIdentity; exited: Promise<unknown> }> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore', detached: true });
  const id = identifyChild(child.pid ?? -1);
  assert.ok(id);
  return { id, exited: once(child, 'exit') };
}

function controlled() {
  let resolve: (info: ExitInfo) => void = () => undefined;
  const promise = new Promise<ExitInfo>((r) => (resolve = r));
  return { promise, fire: (code: number | null, signal: string | null) => resolve({ code, signal, at: new Date().toISOString() }) };
}

/**
 * A running session of real sleeper processes, taken over from a saved
 * record (as an adopted one is), its exits delivered by the test.
 */
async function session(server: ProcessIdentity, program: ProcessIdentity, exits: { serverExited: Promise<ExitInfo>; programExited: Promise<ExitInfo> }) {
  const { store, calls } = fakeStore();
  const deps = realDeps('host', { sessions: '/nonexistent', dir: '/nonexistent' } as StatePaths, store);
  // Its cookie files are only named: nothing of this machine's is touched.
  const lifecycle = new Lifecycle({ ...deps, os: { ...deps.os, isRunning: async () => true, watch: () => exits, reclaimClaims: async () => undefined, removeFiles: async () => undefined } });
  const record: SessionRecord = { ...left('running', { mode: 'no', limit: 5, windowSeconds: 60 }), display: DISPLAY, server, program, tag: '' };
  store.loadAll = async () => ({ records: [record], damaged: [] });
  await lifecycle.resume();
  return { lifecycle, calls };
}

describe("the server's death wins over its session program's (issue 12, item 1)", () => {
  it('a program exit seen before its dead server\'s is no logout: the server exit decides', async () => {
    const server = await sleeper();
    const program = await sleeper();
    process.kill(server.id.pid, 'SIGKILL');
    await server.exited;
    const serverExit = controlled();
    const programExit = controlled();
    const { lifecycle, calls } = await session(server.id, program.id, { serverExited: serverExit.promise, programExited: programExit.promise });
    // The program's exit first, as one /proc poll may deliver both deaths in either order.
    programExit.fire(1, null);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await isRunning(program.id), true, 'no logout began');
    assert.deepEqual(calls, []);
    serverExit.fire(null, 'SIGKILL');
    await program.exited;
    for (let i = 0; i < 500 && calls.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const record = lifecycle.get(DISPLAY);
    assert.equal(record?.state, 'failed', 'ended by its server\'s policy (restart no), not logged out');
    assert.match(record?.reason ?? '', /^the X server failed \(killed by SIGKILL\)/);
    assert.deepEqual(calls, ['save failed'], 'still listed, as a failed session is');
    lifecycle.close();
  });

  it('a program exit while its server lives on is a logout: autokill ends the session and stops the server', async () => {
    const server = await sleeper();
    const program = await sleeper();
    process.kill(program.id.pid, 'SIGKILL');
    await program.exited;
    const programExit = controlled();
    const { lifecycle, calls } = await session(server.id, program.id, { serverExited: new Promise(() => undefined), programExited: programExit.promise });
    programExit.fire(0, null);
    await server.exited;
    for (let i = 0; i < 500 && calls.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await isRunning(server.id), false);
    assert.deepEqual(calls, [`remove ${DISPLAY}`]);
    assert.equal(lifecycle.get(DISPLAY), undefined);
    lifecycle.close();
  });
});
