import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chown, mkdir, mkdtemp, readdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { addToUserXauthority, removeFromUserXauthority, userXauthorityPath, xauthorityProblem } from '../../src/xauth/user-xauthority.js';
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

test('userXauthorityPath prefers a non-empty $XAUTHORITY of ours, then ~/.Xauthority', async (t) => {
  const home = await tempHome(t);
  assert.equal(userXauthorityPath({ XAUTHORITY: `${home}/auth`, HOME: home }), `${home}/auth`);
  assert.equal(userXauthorityPath({ XAUTHORITY: '', HOME: home }), `${home}/.Xauthority`);
  // xauth renames its new file over a symlink rather than writing through it: one of ours is fine.
  await symlink('/nonexistent', join(home, 'link'));
  assert.equal(xauthorityProblem(join(home, 'link')), null);
  assert.equal(userXauthorityPath({}), `${userInfo().homedir}/.Xauthority`);
});

test("userXauthorityPath and the merge refuse a file we may not own alone", { skip: process.getuid?.() !== 0 && 'needs root to chown' }, async (t) => {
  const home = await tempHome(t);
  const theirs = join(home, 'theirs');
  await mkdir(theirs);
  await chown(theirs, 65534, 65534);
  await writeFile(join(home, 'foreign'), '');
  await chown(join(home, 'foreign'), 65534, 65534);
  assert.equal(userXauthorityPath({ XAUTHORITY: join(theirs, '.Xauthority'), HOME: home }), `${home}/.Xauthority`);
  assert.equal(userXauthorityPath({ XAUTHORITY: join(home, 'foreign'), HOME: home }), `${home}/.Xauthority`);
  assert.match(xauthorityProblem(join(theirs, '.Xauthority')) ?? '', /theirs belongs to uid 65534/);
  const [server] = await serverAuthFiles(home, [5]);
  assert.ok(server);
  await addToUserXauthority(join(theirs, '.Xauthority'), server.authFile);
  await addToUserXauthority(join(home, 'foreign'), server.authFile);
  assert.deepEqual(await readdir(theirs), [], 'nothing written in the other user\'s directory');
  assert.equal((await stat(join(home, 'foreign'))).uid, 65534, 'the other user\'s file is not taken over');
});

test('ten concurrent adds all land, and remove drops one', async (t) => {
  const home = await tempHome(t);
  const file = userXauthorityPath({ HOME: home });
  const servers = await serverAuthFiles(home, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

  // That they run one at a time is file-queue.test.ts's; how long ten take, bench/scenarios/xauth.mjs's.
  await Promise.all(servers.map(({ authFile }) => addToUserXauthority(file, authFile)));
  assert.deepEqual(list(file), servers.map(({ line }) => line).sort());

  await removeFromUserXauthority(file, HOST, 3);
  await removeFromUserXauthority(file, HOST, 3);
  assert.deepEqual(list(file), servers.filter((_, i) => i !== 2).map(({ line }) => line).sort());
});

test("xauth's lock files left by a killed xauth are broken, so the merge lands instead of failing after 20 s; a fresh one is respected", async (t) => {
  const home = await tempHome(t);
  const file = join(home, '.Xauthority');
  const [one] = await serverAuthFiles(home, [7]);
  for (const lock of ['-c', '-l']) {
    await writeFile(`${file}${lock}`, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(`${file}${lock}`, old, old);
  }
  const started = Date.now();
  await addToUserXauthority(file, one!.authFile);
  assert.ok(Date.now() - started < 5_000, `it did not wait out the lock (${Date.now() - started} ms)`);
  assert.deepEqual(list(file), [one!.line]);
  assert.deepEqual((await readdir(home)).filter((f) => f.startsWith('.Xauthority-')), [], 'and the locks are gone');
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
