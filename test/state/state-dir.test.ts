import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, chown, lchown, lstat, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { TsvncError } from '../../src/errors.js';
import { ensureStateDir, hasSessionFiles, homeOf, ownEnv, stateDirFor, statePaths } from '../../src/state/state-dir.js';

function unsafePath(error: unknown): boolean {
  assert.ok(error instanceof TsvncError, `expected a TsvncError, got ${String(error)}`);
  assert.equal(error.code, 'UNSAFE_PATH');
  assert.ok(error.hint);
  return true;
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

const asRoot = process.getuid?.() === 0 ? false : 'needs root to give a directory to another user';

describe('stateDirFor and homeOf', () => {
  let home = '';
  beforeEach(async () => {
    home = await mkdtemp(`${tmpdir()}/tsvnc-home-`);
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('prefers TSVNC_STATE_DIR, made absolute', () => {
    assert.equal(stateDirFor({ TSVNC_STATE_DIR: '/s/tsvnc', XDG_RUNTIME_DIR: '/run/user/1000', HOME: home }), '/s/tsvnc');
    assert.equal(stateDirFor({ TSVNC_STATE_DIR: 'rel' }), resolve('rel'));
  });

  it('else $HOME/.vnc/tsvnc-<hostname>, never under XDG_RUNTIME_DIR, which logind removes at logout', () => {
    assert.equal(stateDirFor({ HOME: home, XDG_RUNTIME_DIR: '/run/user/1000' }), `${home}/.vnc/tsvnc-${hostname()}`);
    assert.equal(stateDirFor({ HOME: home, XDG_RUNTIME_DIR: '', TSVNC_STATE_DIR: '' }), `${home}/.vnc/tsvnc-${hostname()}`);
  });

  it('takes the password database home without HOME, or when HOME is not a directory of ours', async () => {
    const passwdHome = userInfo().homedir;
    assert.equal(homeOf({}), passwdHome);
    assert.equal(homeOf({ HOME: home }), home);
    assert.equal(homeOf({ HOME: `${home}/missing` }), passwdHome);
    assert.equal(homeOf({ HOME: 'relative' }), passwdHome);
    await writeFile(`${home}/file`, '');
    assert.equal(homeOf({ HOME: `${home}/file` }), passwdHome);
    assert.equal(stateDirFor({}), `${passwdHome}/.vnc/tsvnc-${hostname()}`);
  });

  it("ignores another user's HOME, as root keeps it after su", { skip: asRoot }, async () => {
    await chown(home, 65534, 65534);
    assert.equal(homeOf({ HOME: home }), userInfo().homedir);
    assert.equal(stateDirFor({ HOME: home, XDG_RUNTIME_DIR: home }), `${userInfo().homedir}/.vnc/tsvnc-${hostname()}`);
  });

  it("ownEnv sets HOME to ours and drops XDG base directories that are not ours", { skip: asRoot }, async () => {
    const theirs = `${home}/theirs`;
    await mkdir(theirs);
    await chown(theirs, 65534, 65534);
    const env = ownEnv({ HOME: theirs, XDG_RUNTIME_DIR: theirs, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: `${home}/missing`, PATH: '/usr/bin' });
    assert.deepEqual(env, { HOME: userInfo().homedir, XDG_CONFIG_HOME: home, PATH: '/usr/bin' });
  });
});

describe('statePaths', () => {
  it('names the socket, the sessions dir and the daemon log inside the state dir', () => {
    assert.deepEqual(statePaths('/s'), { dir: '/s', socket: '/s/control.sock', sessions: '/s/sessions', daemonLog: '/s/daemon.log' });
  });
});

describe('ensureStateDir', () => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(`${tmpdir()}/tsvnc-sd-`);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('creates the dir and its sessions dir, owner-only', async () => {
    const dir = `${root}/a/b/state`;
    assert.deepEqual(await ensureStateDir(dir), statePaths(dir));
    for (const path of [dir, `${dir}/sessions`]) {
      const info = await lstat(path);
      assert.ok(info.isDirectory(), path);
      assert.equal(info.mode & 0o777, 0o700, path);
      assert.equal(info.uid, process.getuid?.());
    }
    assert.deepEqual(await readdir(dir), ['sessions']);
  });

  it('is idempotent', async () => {
    const dir = `${root}/state`;
    await ensureStateDir(dir);
    await writeFile(`${dir}/sessions/1.json`, '{}');
    await ensureStateDir(dir);
    assert.deepEqual(await readdir(`${dir}/sessions`), ['1.json']);
    assert.equal(await modeOf(dir), 0o700);
  });

  it('tightens an existing 0755 dir of ours, and its sessions dir, to 0700', async () => {
    const dir = `${root}/state`;
    await mkdir(`${dir}/sessions`, { recursive: true });
    await chmod(dir, 0o755);
    await chmod(`${dir}/sessions`, 0o777);
    await ensureStateDir(dir);
    assert.equal(await modeOf(dir), 0o700);
    assert.equal(await modeOf(`${dir}/sessions`), 0o700);
  });

  it('refuses a symlink to a directory, and leaves its target alone', async () => {
    const target = `${root}/target`;
    await mkdir(target, { mode: 0o755 });
    await chmod(target, 0o755);
    await symlink(target, `${root}/link`);
    await assert.rejects(ensureStateDir(`${root}/link`), unsafePath);
    assert.equal(await modeOf(target), 0o755);
    assert.deepEqual(await readdir(target), []);
  });

  it('refuses a symlinked sessions dir', async () => {
    const dir = `${root}/state`;
    await mkdir(dir, { mode: 0o700 });
    await mkdir(`${root}/elsewhere`);
    await symlink(`${root}/elsewhere`, `${dir}/sessions`);
    await assert.rejects(ensureStateDir(dir), unsafePath);
  });

  it('refuses a dangling symlink and a regular file', async () => {
    await symlink(`${root}/nowhere`, `${root}/dangling`);
    await assert.rejects(ensureStateDir(`${root}/dangling`), unsafePath);
    await writeFile(`${root}/file`, '');
    await assert.rejects(ensureStateDir(`${root}/file`), unsafePath);
  });

  it('refuses a path through a directory of another user, naming it, and creates nothing', { skip: asRoot }, async () => {
    await mkdir(`${root}/theirs`);
    await chown(`${root}/theirs`, 65534, 65534);
    await assert.rejects(ensureStateDir(`${root}/theirs/.vnc/state`), (error: unknown) => {
      unsafePath(error);
      assert.match((error as Error).message, new RegExp(`${root}/theirs belongs to uid 65534`));
      return true;
    });
    assert.deepEqual(await readdir(`${root}/theirs`), []);
  });

  it('refuses a path through a directory others may write to, unless it is sticky', async () => {
    await mkdir(`${root}/shared/mine`, { recursive: true });
    await chmod(`${root}/shared`, 0o777);
    await assert.rejects(ensureStateDir(`${root}/shared/mine/state`), (error: unknown) => {
      unsafePath(error);
      assert.match((error as Error).message, new RegExp(`${root}/shared can be written by other users \\(mode 0777\\)`));
      assert.match((error as TsvncError).hint ?? '', /chmod go-w/);
      return true;
    });
    await chmod(`${root}/shared`, 0o1777);
    assert.deepEqual(await ensureStateDir(`${root}/shared/mine/state`), statePaths(`${root}/shared/mine/state`));
  });

  it('judges the resolved path: a symlink above the state dir leads where it is checked', async () => {
    await mkdir(`${root}/open`, { mode: 0o777 });
    await chmod(`${root}/open`, 0o777);
    await symlink(`${root}/open`, `${root}/link`);
    await assert.rejects(ensureStateDir(`${root}/link/state`), /open can be written by other users/);
    await chmod(`${root}/open`, 0o755);
    await ensureStateDir(`${root}/link/state`);
    assert.equal((await lstat(`${root}/open/state`)).isDirectory(), true);
  });

  it("judges the path as written too: another user's symlink on the way is refused even when it leads somewhere of ours", { skip: asRoot }, async () => {
    await mkdir(`${root}/mine`);
    await symlink(`${root}/mine`, `${root}/their-link`);
    // In a sticky /tmp its owner can swap it for one to anywhere at any moment.
    await lchown(`${root}/their-link`, 65534, 65534);
    await assert.rejects(ensureStateDir(`${root}/their-link/state`), (error: unknown) => {
      unsafePath(error);
      assert.match((error as Error).message, new RegExp(`${root}/their-link belongs to uid 65534`));
      return true;
    });
    await assert.rejects(lstat(`${root}/mine/state`), { code: 'ENOENT' });
  });

  it('refuses a dir whose control socket path is too long for a Unix socket, creating nothing', async () => {
    // sun_path holds 107 bytes and a NUL: "<dir>/control.sock" must fit.
    const fits = `${root}/${'d'.repeat(107 - `${root}/`.length - '/control.sock'.length)}`;
    assert.equal(Buffer.byteLength(`${fits}/control.sock`), 107);
    await ensureStateDir(fits);
    const tooLong = `${fits}e`;
    await assert.rejects(ensureStateDir(tooLong), unsafePath);
    await assert.rejects(lstat(tooLong), { code: 'ENOENT' });
  });

  it('counts bytes, not characters, in the socket path', async () => {
    const chars = 107 - `${root}/`.length - '/control.sock'.length;
    // "é" is two bytes: this many characters fit, in bytes they do not.
    const dir = `${root}/${'é'.repeat(Math.ceil(chars / 2) + 1)}`;
    assert.ok(`${dir}/control.sock`.length <= 107);
    await assert.rejects(ensureStateDir(dir), unsafePath);
  });
});

describe('hasSessionFiles', () => {
  it('is false for a missing dir and for files that are not session records, true with one', async () => {
    const dir = await mkdtemp(`${tmpdir()}/tsvnc-has-`);
    const paths = statePaths(dir);
    assert.equal(await hasSessionFiles(paths), false);
    await mkdir(paths.sessions);
    await writeFile(`${paths.sessions}/notes.txt`, 'x');
    await writeFile(`${paths.sessions}/3.json.1a2b.tmp`, '{');
    await mkdir(`${paths.sessions}/9.json.lock`);
    assert.equal(await hasSessionFiles(paths), false);
    await writeFile(`${paths.sessions}/3.json`, '{}');
    assert.equal(await hasSessionFiles(paths), true);
    await rm(dir, { recursive: true });
  });
});
