import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TsvncError } from '../../src/errors.js';
import { addToUserXauthority, removeFromUserXauthority, userXauthorityPath } from '../../src/xauth/user-xauthority.js';
import { cookieEntries, newCookie, writeAuthFile } from '../../src/xauth/xauth-file.js';

const HOST = 'tsvnc-test-host';

async function tempHome(t: test.TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tsvnc-xauthority-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function list(file: string): string[] {
  return execFileSync('xauth', ['-f', file, 'list'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

/** Writes one server auth file per display and returns the lines `xauth list` should show. */
async function serverAuthFiles(dir: string, displays: number[]): Promise<{ authFile: string; line: string }[]> {
  return Promise.all(
    displays.map(async (display) => {
      const cookie = newCookie();
      const authFile = join(dir, `auth-${display}`);
      await writeAuthFile(authFile, cookieEntries(HOST, display, cookie));
      return { authFile, line: `${HOST}/unix:${display}  MIT-MAGIC-COOKIE-1  ${cookie.toString('hex')}` };
    }),
  );
}

test('userXauthorityPath prefers a non-empty $XAUTHORITY, then $HOME', () => {
  assert.equal(userXauthorityPath({ XAUTHORITY: '/run/x/auth', HOME: '/home/u' }), '/run/x/auth');
  assert.equal(userXauthorityPath({ XAUTHORITY: '', HOME: '/home/u' }), '/home/u/.Xauthority');
  assert.equal(userXauthorityPath({}), `${homedir()}/.Xauthority`);
});

test('ten concurrent adds all land, quickly, and remove drops one', async (t) => {
  const home = await tempHome(t);
  const file = userXauthorityPath({ HOME: home });
  const servers = await serverAuthFiles(home, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

  const started = performance.now();
  await Promise.all(servers.map(({ authFile }) => addToUserXauthority(file, authFile)));
  const elapsed = performance.now() - started;
  t.diagnostic(`10 concurrent adds took ${elapsed.toFixed(1)} ms`);
  // Any collision on xauth's lock costs a 2 s retry: staying below that proves there was none.
  assert.ok(elapsed < 2000, `10 adds took ${elapsed} ms`);
  assert.deepEqual(list(file), servers.map(({ line }) => line).sort());

  await removeFromUserXauthority(file, HOST, 3);
  await removeFromUserXauthority(file, HOST, 3);
  assert.deepEqual(list(file), servers.filter((_, i) => i !== 2).map(({ line }) => line).sort());
});

test('a failed xauth call rejects without failing the calls queued after it', async (t) => {
  const home = await tempHome(t);
  const file = join(home, '.Xauthority');
  const [server] = await serverAuthFiles(home, [4]);
  assert.ok(server);
  const failing = addToUserXauthority(file, join(home, 'no-such-auth-file'));
  const next = addToUserXauthority(file, server.authFile);
  await assert.rejects(failing, /xauth merge on .* failed: .*unable to open file/);
  await next;
  assert.deepEqual(list(file), [server.line]);
});

test('a missing xauth binary is TOOL_NOT_FOUND', async (t) => {
  const home = await tempHome(t);
  const [server] = await serverAuthFiles(home, [1]);
  assert.ok(server);
  const path = process.env.PATH;
  process.env.PATH = join(home, 'empty');
  t.after(() => {
    process.env.PATH = path;
  });
  await assert.rejects(addToUserXauthority(join(home, '.Xauthority'), server.authFile), (error) => {
    assert.ok(error instanceof TsvncError);
    assert.equal(error.code, 'TOOL_NOT_FOUND');
    assert.equal(error.hint, 'apt-get install xauth');
    return true;
  });
});
