import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';

/**
 * Shell helpers for the sandbox: `save PW [args]` pipes PW into tsvnc passwd
 * (its stderr in /tmp/save.err); `typein KEYS1 [KEYS2]` runs tsvnc passwd on
 * a pseudo-terminal and types each answer once its prompt is shown (what the
 * terminal showed in /tmp/tty.out).
 */
const HELPERS = String.raw`
save() { local pw=$1; shift; echo "$pw" | tsvnc passwd "$@" 2>/tmp/save.err; }
typein() {
  rm -f /tmp/keys; mkfifo /tmp/keys
  script -qfec "$TSVNC passwd" /dev/null </tmp/keys >/tmp/tty.out 2>&1 &
  local pid=$! code
  exec 3>/tmp/keys
  wait_until grep -q 'Password:' /tmp/tty.out && printf "$1" >&3
  [ $# -lt 2 ] || { wait_until grep -q 'Verify:' /tmp/tty.out && printf "$2" >&3; }
  wait $pid; code=$?
  exec 3>&-
  return $code
}
PW=/tmp/home/.vnc/passwd
`;

function lines(text: string): string[] {
  return text.trim().split('\n');
}

describe('tsvnc passwd', { skip: sandboxUnavailable, concurrency: true }, () => {
  it('writes a 0600 file that a real Xtigervnc accepts, and only for that password', async () => {
    const run = await sandbox(`${HELPERS}
      step save save secret12
      step file stat -c '%a %s %F' $PW
      step dir stat -c '%a' /tmp/home/.vnc
      step other save other123 --file /tmp/other
      Xtigervnc :1 -localhost=1 -SecurityTypes VncAuth -PasswordFile $PW >/tmp/x1.log 2>&1 &
      wait_until timeout 2 xdpyinfo -display :1
      step good timeout 20 vncsnapshot -allowblank -encodings raw -passwd $PW localhost:1 /tmp/out.jpg
      step jpeg bash -c 'head -c 3 /tmp/out.jpg | od -An -tx1'
      step bad timeout 20 vncsnapshot -allowblank -encodings raw -passwd /tmp/other localhost:1 /tmp/bad.jpg
      step badjpeg test -e /tmp/bad.jpg`);
    assert.deepEqual(run.step('save'), { code: 0, out: 'VNC password saved in /tmp/home/.vnc/passwd (mode 0600)' });
    assert.equal(run.step('file').out, '600 8 regular file');
    assert.equal(run.step('dir').out, '700');
    assert.equal(run.step('other').code, 0);
    assert.equal(run.step('good').code, 0, run.stderr.slice(-2000));
    assert.equal(run.step('jpeg').out.trim(), 'ff d8 ff');
    assert.notEqual(run.step('bad').code, 0);
    assert.match(run.stderr, /VNC authentication failed/);
    assert.notEqual(run.step('badjpeg').code, 0);
  });

  it('a too-short password exits 2 with one line on stderr and writes nothing', async () => {
    const run = await sandbox(`${HELPERS}
      step save save abc
      step err cat /tmp/save.err
      step home ls -A /tmp/home`);
    assert.deepEqual(run.step('save'), { code: 2, out: '' });
    assert.equal(lines(run.step('err').out).length, 1);
    assert.match(run.step('err').out, /^tsvnc: VNC passwords need at least 6 characters/);
    assert.equal(run.step('home').out, '');
  });

  it('a longer password is cut to 8 characters, with a warning', async () => {
    const run = await sandbox(`${HELPERS}
      step save save secret123456
      step err cat /tmp/save.err
      step short save secret12 --file /tmp/short
      step same cmp $PW /tmp/short`);
    assert.equal(run.step('save').code, 0);
    assert.match(run.step('err').out, /^tsvnc: warn: VNC uses only the first 8 characters/);
    assert.equal(run.step('same').code, 0);
  });

  it('replaces a symlink at the target rather than writing through it', async () => {
    const run = await sandbox(`${HELPERS}
      mkdir -m 700 /tmp/home/.vnc
      echo untouched > /tmp/target
      ln -s /tmp/target $PW
      step save save secret12
      step target cat /tmp/target
      step file stat -c '%a %s %F' $PW
      step vnc ls -A /tmp/home/.vnc`);
    assert.equal(run.step('save').code, 0);
    assert.equal(run.step('target').out, 'untouched');
    assert.equal(run.step('file').out, '600 8 regular file');
    assert.equal(run.step('vnc').out, 'passwd');
  });

  it('on a terminal it asks twice without echo, and saves what was typed', async () => {
    const run = await sandbox(String.raw`${HELPERS}
      step typed typein 'secrex\x7ft12\r' 'secret12\r'
      step shown cat /tmp/tty.out
      step piped save secret12 --file /tmp/piped
      step same cmp $PW /tmp/piped`);
    assert.equal(run.step('typed').code, 0);
    assert.deepEqual(lines(run.step('shown').out.replaceAll('\r', '')), ['Password: ', 'Verify: ', 'VNC password saved in /tmp/home/.vnc/passwd (mode 0600)']);
    assert.equal(run.step('same').code, 0);
  });

  it('on a terminal, different answers or Ctrl-C change nothing', async () => {
    const run = await sandbox(String.raw`${HELPERS}
      step mismatch typein 'secret12\r' 'secret13\r'
      step mismatchShown cat /tmp/tty.out
      step ctrlc typein 'sec\x03'
      step home ls -A /tmp/home`);
    assert.equal(run.step('mismatch').code, 2);
    assert.match(run.step('mismatchShown').out, /tsvnc: the passwords do not match/);
    assert.equal(run.step('ctrlc').code, 130);
    assert.equal(run.step('home').out, '');
  });
});
