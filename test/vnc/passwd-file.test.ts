import test, { describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TsvncError } from '../../src/errors.js';
import { checkPasswdFile, passwdFilePath, validatePassword, writePasswdFile } from '../../src/vnc/passwd-file.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A well-formed password file (content does not matter to the check). */
async function passwdFile(dir: string, bytes = 8, mode = 0o600): Promise<string> {
  const path = join(dir, 'passwd');
  await writeFile(path, Buffer.alloc(bytes, 0xa5), { mode });
  await chmod(path, mode);
  return path;
}

function tsvncError(code: string, pattern: RegExp, hint?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof TsvncError, `not a TsvncError: ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    assert.doesNotMatch(error.message, /\n/);
    if (hint) assert.match(error.hint ?? '', hint);
    return true;
  };
}

const vncpasswdMissing = existsSync('/usr/bin/vncpasswd') ? false : 'vncpasswd is not installed (apt-get install tigervnc-tools)';
const isRoot = process.getuid?.() === 0;

test('passwdFilePath is ~/.vnc/passwd', () => {
  assert.equal(passwdFilePath('/home/u'), '/home/u/.vnc/passwd');
});

describe('validatePassword', () => {
  for (const ok of ['secret', 'secret12', 'with spc', '!#$%&()~']) {
    test(`accepts ${JSON.stringify(ok)} as it is`, () => {
      assert.deepEqual(validatePassword(ok), { password: ok });
    });
  }

  test('keeps the first 8 characters of a longer one, with a warning', () => {
    const result = validatePassword('secret123456');
    assert.equal(result.password, 'secret12');
    assert.match(result.warning ?? '', /only the first 8/);
  });

  for (const short of ['', 'abc', 'five5']) {
    test(`refuses ${JSON.stringify(short)}: under 6 characters`, () => {
      assert.throws(() => validatePassword(short), tsvncError('BAD_ARGUMENT', /at least 6 characters/, /6 to 8/));
    });
  }

  for (const bad of ['secret12\n', 'sec\tret12', 'secret\r', 'secret\x7f', 'sécret12', 'secret😀']) {
    test(`refuses ${JSON.stringify(bad)}: not printable ASCII`, () => {
      assert.throws(() => validatePassword(bad), tsvncError('BAD_ARGUMENT', /control or non-ASCII/));
    });
  }
});

describe('checkPasswdFile', () => {
  test('accepts an 8-byte file of mode 0600', async (t) => {
    await checkPasswdFile(await passwdFile(await tempDir(t, 'passwd')));
  });

  test('accepts a 16-byte file (with a view-only password) of mode 0400', async (t) => {
    await checkPasswdFile(await passwdFile(await tempDir(t, 'passwd'), 16, 0o400));
  });

  test('a missing file is NO_PASSWORD, with how to set one', async (t) => {
    const path = join(await tempDir(t, 'passwd'), 'passwd');
    await assert.rejects(checkPasswdFile(path), tsvncError('NO_PASSWORD', new RegExp(`no VNC password file at ${path}$`), /^set one with: tsvnc passwd$/));
  });

  test('a file in place of its directory is refused', async (t) => {
    const dir = await tempDir(t, 'passwd');
    await writeFile(join(dir, '.vnc'), '');
    await assert.rejects(checkPasswdFile(join(dir, '.vnc', 'passwd')), tsvncError('BAD_PASSWORD_FILE', /\.vnc is not a directory/));
  });

  for (const [mode, shown] of [[0o644, '0644'], [0o640, '0640'], [0o620, '0620'], [0o602, '0602']] as const) {
    test(`mode ${shown} is refused, with the chmod that fixes it`, async (t) => {
      const path = await passwdFile(await tempDir(t, 'passwd'), 8, mode);
      await assert.rejects(checkPasswdFile(path), tsvncError('BAD_PASSWORD_FILE', new RegExp(`readable or writable by others \\(mode ${shown}\\)`), new RegExp(`^chmod 600 ${path}$`)));
    });
  }

  test('execute bits alone do not expose the password', async (t) => {
    await checkPasswdFile(await passwdFile(await tempDir(t, 'passwd'), 8, 0o711));
  });

  for (const bytes of [0, 7, 9, 17]) {
    test(`a file of ${bytes} bytes is refused`, async (t) => {
      const path = await passwdFile(await tempDir(t, 'passwd'), bytes);
      await assert.rejects(checkPasswdFile(path), tsvncError('BAD_PASSWORD_FILE', new RegExp(`has ${bytes} bytes, not 8`), /tsvnc passwd/));
    });
  }

  test('a symlink is refused, even to a good file', async (t) => {
    const dir = await tempDir(t, 'passwd');
    const target = await passwdFile(dir);
    await symlink(target, join(dir, 'link'));
    await assert.rejects(checkPasswdFile(join(dir, 'link')), tsvncError('BAD_PASSWORD_FILE', /is a symlink, not a regular file/, /tsvnc passwd/));
  });

  test('a directory is refused', async (t) => {
    const dir = await tempDir(t, 'passwd');
    await mkdir(join(dir, 'passwd'));
    await assert.rejects(checkPasswdFile(join(dir, 'passwd')), tsvncError('BAD_PASSWORD_FILE', /is a directory, not a regular file/));
  });

  test('a FIFO is refused without blocking on it', async (t) => {
    const path = join(await tempDir(t, 'passwd'), 'passwd');
    execFileSync('mkfifo', ['-m', '600', path]);
    await assert.rejects(checkPasswdFile(path), tsvncError('BAD_PASSWORD_FILE', /is a fifo, not a regular file/));
  });

  test("another user's file is refused", { skip: isRoot ? false : 'needs root to give a file away' }, async (t) => {
    const path = await passwdFile(await tempDir(t, 'passwd'));
    await chown(path, 65534, 65534);
    await assert.rejects(checkPasswdFile(path), tsvncError('BAD_PASSWORD_FILE', /belongs to uid 65534, not to you \(uid 0\)/));
  });

  // Root reads everything, so as root the check runs without the capabilities
  // that override file modes: still uid 0, so it reads the build wherever the
  // checkout lives (a clone under /root is closed to other users).
  test('an unreadable file is refused', async (t) => {
    const path = await passwdFile(await tempDir(t, 'passwd'));
    await chmod(path, 0o000);
    if (!isRoot) {
      await assert.rejects(checkPasswdFile(path), tsvncError('BAD_PASSWORD_FILE', /cannot read VNC password file/));
      return;
    }
    const module = fileURLToPath(new URL('../../src/vnc/passwd-file.js', import.meta.url));
    const script = `import(${JSON.stringify(module)}).then((m) => m.checkPasswdFile(${JSON.stringify(path)})).then(() => console.log('accepted'), (e) => console.log(e.code, e.message))`;
    const out = execFileSync('setpriv', ['--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-all', process.execPath, '-e', script], { encoding: 'utf8' });
    assert.match(out, /^BAD_PASSWORD_FILE cannot read VNC password file .*permission denied/);
  });
});

describe('writePasswdFile', { skip: vncpasswdMissing }, () => {
  test('writes the standard VNC encryption, 8 bytes, mode 0600, in a new ~/.vnc of mode 0700', async (t) => {
    const home = await tempDir(t, 'passwd');
    const path = passwdFilePath(home);
    await writePasswdFile(path, 'secret12');
    assert.equal((await readFile(path)).toString('hex'), '24b5ae4ce15503c6');
    assert.equal((await lstat(path)).mode & 0o7777, 0o600);
    assert.equal((await lstat(join(home, '.vnc'))).mode & 0o7777, 0o700);
    assert.deepEqual(await readdir(join(home, '.vnc')), ['passwd']);
    await checkPasswdFile(path);
  });

  test('keeps an encryption that ends in a newline byte', async (t) => {
    const path = join(await tempDir(t, 'passwd'), 'passwd');
    await writePasswdFile(path, 'pass1119');
    assert.equal((await readFile(path)).toString('hex'), '6f4625e66194a70a');
  });

  test('replaces a loose file with a 0600 one', async (t) => {
    const path = await passwdFile(await tempDir(t, 'passwd'), 9, 0o644);
    await writePasswdFile(path, 'secret12');
    await checkPasswdFile(path);
  });

  test('replaces a symlink at the target instead of writing through it', async (t) => {
    const dir = await tempDir(t, 'passwd');
    const target = join(dir, 'target');
    await writeFile(target, 'keep me');
    await symlink(target, join(dir, 'passwd'));
    await writePasswdFile(join(dir, 'passwd'), 'secret12');
    assert.equal(await readFile(target, 'utf8'), 'keep me');
    assert.ok((await lstat(join(dir, 'passwd'))).isFile());
  });

  test('a failed write leaves no temporary file behind', async (t) => {
    const dir = await tempDir(t, 'passwd');
    await mkdir(join(dir, 'passwd'));
    await assert.rejects(writePasswdFile(join(dir, 'passwd'), 'secret12'), tsvncError('BAD_PASSWORD_FILE', /cannot save the VNC password in .*passwd/));
    assert.deepEqual(await readdir(dir), ['passwd']);
  });
});
