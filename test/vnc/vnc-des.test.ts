import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TsvncError } from '../../src/errors.js';
import { decryptPasswd, readPasswdFile, vncAuthResponse } from '../../src/vnc/vnc-des.js';
import { writePasswdFile } from '../../src/vnc/passwd-file.js';
import { tempDir } from '../helpers/temp-dir.js';

const vncpasswdMissing = existsSync('/usr/bin/vncpasswd') ? false : 'vncpasswd is not installed (apt-get install tigervnc-tools)';

/** OpenSSL's own DES, from its legacy provider in a separate node: the reference the pure-JS one must agree with. */
function opensslResponse(challenge: Buffer, password: string): Buffer {
  const script = `const c=require('crypto');const k=Buffer.alloc(8);Buffer.from(process.argv[2],'latin1').copy(k,0,0,8);
    for(let i=0;i<8;i++){let b=k[i],r=0;for(let j=0;j<8;j++,b>>=1)r=(r<<1)|(b&1);k[i]=r}
    const d=c.createCipheriv('des-ecb',k,null).setAutoPadding(false);
    process.stdout.write(Buffer.concat([d.update(Buffer.from(process.argv[1],'hex')),d.final()]).toString('hex'))`;
  return Buffer.from(execFileSync(process.execPath, ['--openssl-legacy-provider', '-e', script, challenge.toString('hex'), password], { encoding: 'utf8' }), 'hex');
}

describe('VNC authentication answers as OpenSSL DES does', () => {
  const challenge = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  for (const password of ['secret12', 'abcdef', 'longer than eight', '']) {
    it(`for ${JSON.stringify(password)}`, () => {
      assert.deepEqual(vncAuthResponse(challenge, password), opensslResponse(challenge, password));
    });
  }

  it('refuses a challenge that is not 16 bytes', () => {
    assert.throws(() => vncAuthResponse(Buffer.alloc(8), 'secret12'), TsvncError);
  });
});

describe('the password file read back', { skip: vncpasswdMissing }, () => {
  for (const password of ['secret12', 'sixsix', 'with spc']) {
    it(`gives back what vncpasswd stored: ${JSON.stringify(password)}`, async (t) => {
      const path = join(await tempDir(t, 'passwd'), 'passwd');
      await writePasswdFile(path, password);
      assert.equal(await readPasswdFile(path), password);
    });
  }

  it('reads the first password of a file that also has a view-only one', async () => {
    const full = execFileSync('/usr/bin/vncpasswd', ['-f'], { input: 'secret12\n' });
    const viewOnly = execFileSync('/usr/bin/vncpasswd', ['-f'], { input: 'viewonly\n' });
    assert.equal(decryptPasswd(Buffer.concat([full, viewOnly])), 'secret12');
  });

  it('checks the file as the server does before reading it', async (t) => {
    const path = join(await tempDir(t, 'passwd'), 'passwd');
    await writePasswdFile(path, 'secret12');
    await chmod(path, 0o644);
    await assert.rejects(readPasswdFile(path), (error: unknown) => error instanceof TsvncError && error.code === 'BAD_PASSWORD_FILE' && /readable or writable by others/.test(error.message));
  });

  it('names a file too short to hold a password', async (t) => {
    const path = join(await tempDir(t, 'passwd'), 'passwd');
    await writeFile(path, Buffer.alloc(4), { mode: 0o600 });
    await assert.rejects(readPasswdFile(path), (error: unknown) => error instanceof TsvncError && error.code === 'BAD_PASSWORD_FILE');
    assert.throws(() => decryptPasswd(Buffer.alloc(4)), /at least 8 bytes/);
  });
});
