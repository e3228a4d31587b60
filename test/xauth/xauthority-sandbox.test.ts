import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';

describe("root's cookie merge with a kept XAUTHORITY", { skip: sandboxUnavailable }, () => {
  it("never takes over another user's file (sudo with env_keep XAUTHORITY): root's own ~/.Xauthority gets the cookie", async () => {
    const run = await sandbox(`private_system
      useradd -m -s /bin/bash alice
      as_user alice bash -c 'touch ~/.Xauthority && chmod 600 ~/.Xauthority'
      set_passwd
      step start env XAUTHORITY=/home/alice/.Xauthority $TSVNC start --no-xstartup --json
      step alice_xauthority stat -c '%U %a %s' /home/alice/.Xauthority
      step alice_home find /home/alice -uid 0
      step root_cookie xauth -f /tmp/home/.Xauthority list
      step kill tsvnc kill :1
      step root_after xauth -f /tmp/home/.Xauthority list`);
    assert.equal(run.step('start').code, 0, run.stderr);
    assert.equal(run.step('alice_xauthority').out, 'alice 600 0', "alice's file is still hers, and empty");
    assert.equal(run.step('alice_home').out, '');
    assert.match(run.step('root_cookie').out, /\/unix:1 +MIT-MAGIC-COOKIE-1/);
    assert.equal(run.step('kill').code, 0, run.stderr);
    assert.equal(run.step('root_after').out, '', 'kill removes the cookie from the file it was merged into');
  });
});
