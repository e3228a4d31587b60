import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSetupReply, setupRequest } from '../../src/x11/x-connection.js';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';

describe('the X connection setup', () => {
  it('is 12 bytes of header, then the auth name and data each padded to 4', () => {
    const cookie = Buffer.alloc(16, 0xab);
    const request = setupRequest(cookie);
    assert.equal(request.length, 12 + 20 + 16);
    assert.deepEqual([request.toString('latin1', 0, 1), request.readUInt16LE(2), request.readUInt16LE(4), request.readUInt16LE(6), request.readUInt16LE(8)], ['l', 11, 0, 18, 16]);
    assert.equal(request.toString('latin1', 12, 30), 'MIT-MAGIC-COOKIE-1');
    assert.deepEqual([...request.subarray(30, 32)], [0, 0]);
    assert.ok(request.subarray(32).equals(cookie));
  });

  it('reads success, refusal with its reason, and waits for a whole reply', () => {
    const success = Buffer.alloc(16);
    success[0] = 1;
    success.writeUInt16LE(2, 6);
    assert.deepEqual(parseSetupReply(success.subarray(0, 12)), { done: false });
    assert.deepEqual(parseSetupReply(success), { done: true, ok: true, length: 16 });
    const reason = 'Authorization required, but no authorization protocol specified\n';
    const failed = Buffer.alloc(8 + Math.ceil(reason.length / 4) * 4);
    failed[1] = reason.length;
    failed.writeUInt16LE((failed.length - 8) / 4, 6);
    failed.write(reason, 8, 'latin1');
    assert.deepEqual(parseSetupReply(failed), { done: true, ok: false, reason: 'Authorization required, but no authorization protocol specified?', length: failed.length });
  });
});

describe('the server loads its cookie before anyone else connects (issue 12, item C)', { skip: sandboxUnavailable }, () => {
  it('a desktop with no X client whose cookie file vanished still refuses another user', async () => {
    const run = await sandbox(`private_system
      set_passwd
      useradd -m bob
      tsvnc start --no-xstartup >/dev/null
      rm "$HOME"/.vnc/tsvnc-*/sessions/1.xauth
      step other as_user bob env XAUTHORITY=/dev/null DISPLAY=:1 timeout 5 xdpyinfo
      step own tsvnc list --json`);
    assert.equal(run.json<unknown[]>('own').length, 1, run.stderr);
    assert.equal(run.step('other').code, 1, 'bob reached the desktop');
    assert.match(run.stderr, /unable to open display/);
  });

  it('the cookie goes to no socket in a /tmp/.X11-unix another user can change: the start fails and leaves nothing', async () => {
    // As root the X server takes the directory over itself; as a user it only warns and serves there.
    const run = await sandbox(`private_system
      useradd -m bob; useradd -m alice
      rmdir /tmp/.X11-unix
      as_user bob mkdir -m 777 /tmp/.X11-unix
      export AS="as_user alice"
      echo secret12 | tsvnc passwd >/dev/null
      step start tsvnc start --no-xstartup
      step list tsvnc list --json
      step left bash -c 'pgrep -a -x Xtigervnc; ls -A /tmp | grep lock; ls -A /tmp/.X11-unix'`);
    assert.equal(run.step('start').code, 1);
    assert.match(run.stderr, /^tsvnc: the X server on :1 is up, but tsvnc cannot connect to it with its cookie: \/tmp\/.X11-unix is not a directory of root's \(or yours\) that others cannot change \(see /m);
    assert.deepEqual(run.json('list'), []);
    assert.equal(run.step('left').out, '');
  });
});

describe("the cookie read back from a server's -auth file", () => {
  it('decodes what encodeXauth wrote, and stops at a truncated entry', async () => {
    const { cookieEntries, decodeXauth, encodeXauth, newCookie } = await import('../../src/xauth/xauth-file.js');
    const cookie = newCookie();
    const entries = [...cookieEntries('vm', 7, cookie), ...cookieEntries('other', 12, newCookie())];
    const encoded = encodeXauth(entries);
    assert.deepEqual(decodeXauth(encoded), entries);
    assert.deepEqual(decodeXauth(encoded.subarray(0, encoded.length - 3)), entries.slice(0, 1));
    assert.deepEqual(decodeXauth(Buffer.alloc(0)), []);
  });
});
