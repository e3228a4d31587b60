import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { SessionManager } from '../../src/lifecycle/session-manager.js';
import { TsvncError } from '../../src/errors.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A display no test machine uses: no X lock of this machine's is read as its server's. */
const DISPLAY = 59_003;

it('a damaged session file is listed as failed with its path and fix; status has nothing else to show and says so', async (t) => {
  const dir = await tempDir(t, 'manager');
  const sessions = `${dir}/sessions`;
  await mkdir(sessions);
  await writeFile(`${sessions}/${DISPLAY}.json`, `{"display":${DISPLAY},"state":"stopped"}`);
  const manager = new SessionManager({ dir, sessions, socket: `${dir}/control.sock`, daemonLog: `${dir}/daemon.log` });
  manager.resume();
  const log = () => undefined;
  const reason = `damaged state file ${sessions}/${DISPLAY}.json: options is missing, not an object; tsvnc kill :${DISPLAY} removes it`;
  const listed = await manager.handle({ op: 'list' }, log);
  assert.ok(Array.isArray(listed));
  assert.deepEqual(listed.map((s) => [s.display, s.state, s.pid, s.rfbPort, s.reason]), [[DISPLAY, 'failed', null, 5900 + DISPLAY, reason]]);
  await assert.rejects(manager.handle({ op: 'status', display: DISPLAY }, log), (error: unknown) =>
    error instanceof TsvncError && error.code === 'NOT_A_SESSION' && error.message === `:${DISPLAY} has no status to show: ${reason}`);
  manager.close();
});
