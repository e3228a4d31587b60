import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Supervisor, type Live } from '../../src/supervise/supervisor.js';
import { blankRecord, type ExitInfo, type SessionRecord } from '../../src/model/session-record.js';
import { identifyChild, isRunning, type ProcessIdentity } from '../../src/proc/process-identity.js';
import type { SessionStore } from '../../src/state/session-store.js';

/** A display no test machine uses: the supervisor's file clean-up finds nothing of its own there. */
const DISPLAY = 59_001;

function fakeStore() {
  const calls: string[] = [];
  const store = {
    save: async (r: SessionRecord) => void calls.push(`save ${r.state}`),
    remove: async (n: number) => void calls.push(`remove ${n}`),
  } as unknown as SessionStore;
  return { store, calls };
}

async function sleeper(): Promise<{ id: ProcessIdentity; exited: Promise<unknown> }> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const id = identifyChild(child.pid ?? -1);
  assert.ok(id);
  return { id, exited: once(child, 'exit') };
}

function controlled() {
  let resolve: (info: ExitInfo) => void = () => undefined;
  const promise = new Promise<ExitInfo>((r) => (resolve = r));
  return { promise, fire: (code: number | null, signal: string | null) => resolve({ code, signal, at: new Date().toISOString() }) };
}

function session(server: ProcessIdentity, program: ProcessIdentity, supervisor: Supervisor): Live {
  const record: SessionRecord = { ...blankRecord(DISPLAY, 'running', null), server, program };
  record.options = { ...record.options, restart: { mode: 'no', limit: 5, windowSeconds: 60 } };
  const live: Live = { record, stopping: null };
  supervisor.sessions.set(DISPLAY, live);
  return live;
}

describe("the server's death wins over its session program's (issue 12, item 1)", () => {
  it('a program exit seen before its dead server\'s is no logout: the server exit decides', async () => {
    const { store, calls } = fakeStore();
    const supervisor = new Supervisor(store, 'host');
    const server = await sleeper();
    const program = await sleeper();
    process.kill(server.id.pid, 'SIGKILL');
    await server.exited;
    const serverExit = controlled();
    const programExit = controlled();
    const live = session(server.id, program.id, supervisor);
    supervisor.supervise(live, { serverExited: serverExit.promise, programExited: programExit.promise });
    // The program's exit first, as one /proc poll may deliver both deaths in either order.
    programExit.fire(1, null);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(live.stopping, null, 'no logout began');
    serverExit.fire(null, 'SIGKILL');
    await program.exited;
    for (let i = 0; i < 500 && calls.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(live.record.state, 'failed', 'ended by its server\'s policy (restart no), not logged out');
    assert.match(live.record.reason ?? '', /^the X server failed \(killed by SIGKILL\)/);
    assert.deepEqual(calls, ['save failed']);
    assert.equal(supervisor.sessions.get(DISPLAY), live, 'still listed, as a failed session is');
    supervisor.close();
  });

  it('a program exit while its server lives on is a logout: autokill ends the session and stops the server', async () => {
    const { store, calls } = fakeStore();
    const supervisor = new Supervisor(store, 'host');
    const server = await sleeper();
    const program = await sleeper();
    process.kill(program.id.pid, 'SIGKILL');
    await program.exited;
    const programExit = controlled();
    const live = session(server.id, program.id, supervisor);
    supervisor.supervise(live, { serverExited: new Promise(() => undefined), programExited: programExit.promise });
    programExit.fire(0, null);
    await server.exited;
    await live.stopping;
    assert.equal(await isRunning(server.id), false);
    assert.deepEqual(calls, [`remove ${DISPLAY}`]);
    assert.equal(supervisor.sessions.has(DISPLAY), false);
    supervisor.close();
  });
});
