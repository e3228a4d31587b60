import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, chown, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findServer } from '../../src/session/find-server.js';
import { TsvncError } from '../../src/errors.js';

const isRoot = process.getuid?.() === 0;

async function fakeServer(t: { after: (fn: () => Promise<void>) => void }): Promise<{ dir: string; binary: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tsvnc-find-server-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'bin'));
  const binary = join(dir, 'bin', 'Xtigervnc');
  await copyFile('/bin/true', binary);
  await chmod(binary, 0o755);
  return { dir, binary };
}

test('finds the server on PATH, and TSVNC_XVNC by its path', async (t) => {
  const { dir, binary } = await fakeServer(t);
  assert.equal(await findServer({ PATH: `/nonexistent:${dir}/bin` }), binary);
  assert.equal(await findServer({ TSVNC_XVNC: binary, PATH: '/nonexistent' }), binary);
});

test('a server nowhere on PATH is XVNC_NOT_FOUND with the package to install', async () => {
  await assert.rejects(findServer({ PATH: '/nonexistent' }), (e: unknown) => e instanceof TsvncError && e.code === 'XVNC_NOT_FOUND' && /tigervnc-standalone-server/.test(e.hint ?? ''));
});

test('a server another user could replace is refused, by TSVNC_XVNC or on PATH (root after su keeps both)', { skip: isRoot ? false : 'needs root to give files away' }, async (t) => {
  const { dir, binary } = await fakeServer(t);
  await chown(join(dir, 'bin'), 65534, 65534);
  await assert.rejects(findServer({ TSVNC_XVNC: binary }, 0), (e: unknown) => e instanceof TsvncError && e.code === 'UNSAFE_PATH'
    && e.message === `will not run the X server ${binary}: ${join(dir, 'bin')} belongs to uid 65534, not to you (uid 0) or root` && /TSVNC_XVNC/.test(e.hint ?? ''));
  await assert.rejects(findServer({ PATH: `${dir}/bin:/usr/bin` }, 0), (e: unknown) => e instanceof TsvncError && e.code === 'UNSAFE_PATH' && /out of PATH/.test(e.hint ?? ''));
  // The same files are that user's own choice when that user starts a desktop.
  assert.equal(await findServer({ TSVNC_XVNC: binary }, 65534), binary);
});

test('a server binary others may write to is refused', async (t) => {
  const { binary } = await fakeServer(t);
  await chmod(binary, 0o777);
  await assert.rejects(findServer({ TSVNC_XVNC: binary }), (e: unknown) => e instanceof TsvncError && e.code === 'UNSAFE_PATH' && /can be written by other users/.test(e.message));
});
