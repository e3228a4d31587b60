import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import { assertWebServed, bundledNoVnc, webSteps } from './web-steps.js';
import type { SessionSummary } from '../../src/model/session-record.js';

describe('scripts/install.sh: a source install that every user can run', { skip: sandboxUnavailable }, () => {
  it('installs the bundle with noVNC, man pages, completion and units under /usr/local, with no link into a checkout that only root can read; start --web serves noVNC from there', async () => {
    // The checkout is reached only through a 0700 directory, as a clone under /root is;
    // /usr/local is a private tmpfs, so nothing of the machine's own is touched.
    const run = await sandbox(`private_system
      mount -t tmpfs -o mode=755 tmpfs /usr/local
      mkdir -m 700 /tmp/private && mkdir /tmp/private/repo && mount --bind "$TSVNC_ROOT" /tmp/private/repo
      step install bash /tmp/private/repo/scripts/install.sh
      touch /usr/local/lib/tsvnc/chunks/chunk-STALE.mjs /usr/local/lib/tsvnc/chunks/novnc/core/stale.js
      step reinstall bash /tmp/private/repo/scripts/install.sh
      step target readlink -f /usr/local/bin/tsvnc
      step files bash -c 'cd /usr/local && find . -type f | sort'
      step mentions_checkout grep -rl /tmp/private /usr/local
      step completion grep -c 'complete -o' /usr/local/share/bash-completion/completions/tsvnc
      step unit grep -h '^ExecStart=' /usr/local/lib/systemd/system/tsvnc.service /usr/local/lib/systemd/user/tsvnc.service /usr/local/lib/systemd/system/tsvnc@.service
      useradd -m -s /bin/bash alice
      echo 'xstartup = sleep 1000' >/etc/tsvnc/tsvnc.conf
      step which as_user alice bash -c 'command -v tsvnc'
      step passwd as_user alice bash -c 'echo secret12 | tsvnc passwd'
      step start as_user alice bash -c 'tsvnc start'
      step list as_user alice bash -c 'tsvnc list --json'
      step server_user bash -c 'stat -c %U /tmp/.X1-lock'
      step kill as_user alice bash -c 'tsvnc kill :1'
      ${webSteps('as_user alice /usr/local/bin/tsvnc', '/usr/local/lib/tsvnc')}
      step man_page bash -c 'MANPATH=/usr/local/share/man man -w tsvnc.conf'`, { timeoutMs: 120_000 });
    assert.equal(run.step('install').code, 0, run.stderr);
    assert.equal(run.step('reinstall').code, 0, run.stderr);
    assert.equal(run.step('target').out.trim(), '/usr/local/lib/tsvnc/tsvnc.mjs');
    const files = run.step('files').out.trim().split('\n');
    const chunks = files.filter((file) => file.startsWith('./lib/tsvnc/chunks/') && !file.startsWith('./lib/tsvnc/chunks/novnc/'));
    const noVnc = files.filter((file) => file.startsWith('./lib/tsvnc/chunks/novnc/')).map((file) => file.slice('./lib/tsvnc/chunks/novnc/'.length)).sort();
    assert.deepEqual(noVnc, await bundledNoVnc(true), "noVNC's client files and licenses, as the bundle has them: a reinstall removed a stale one");
    assert.deepEqual(files.filter((file) => !chunks.includes(file) && !file.startsWith('./lib/tsvnc/chunks/novnc/')), [
      './lib/systemd/system/tsvnc.service', './lib/systemd/system/tsvnc@.service', './lib/systemd/user/tsvnc.service',
      './lib/tsvnc/tsvnc.mjs', './share/bash-completion/completions/tsvnc', './share/man/man1/tsvnc.1', './share/man/man5/tsvnc.conf.5',
    ]);
    // The entry's chunks, and no more: a reinstall removes what only the old entry loaded, and leaves no temporary file.
    assert.ok(chunks.includes('./lib/tsvnc/chunks/winston.cjs'), files.join('\n'));
    for (const chunk of chunks) assert.match(chunk, /^\.\/lib\/tsvnc\/chunks\/[\w-]+-[A-Z0-9]{8}\.mjs$|\/winston\.cjs$/);
    assert.equal(run.step('mentions_checkout').code, 1, `installed files name the checkout: ${run.step('mentions_checkout').out}`);
    assert.ok(Number(run.step('completion').out) >= 1);
    for (const line of run.step('unit').out.trim().split('\n')) assert.match(line, /^ExecStart=(\/\S*node (--\S+ )*\/usr\/local\/lib\/tsvnc\/tsvnc\.mjs daemon|\/usr\/local\/bin\/tsvnc start)/);
    assert.equal(run.step('which').out.trim(), '/usr/local/bin/tsvnc');
    assert.equal(run.step('passwd').code, 0, run.stderr);
    assert.equal(run.step('start').code, 0, run.stderr);
    assert.match(run.step('start').out, /New desktop \S+:1 /);
    assert.deepEqual(run.json<SessionSummary[]>('list').map((s) => [s.display, s.state]), [[1, 'running']]);
    assert.equal(run.step('server_user').out.trim(), 'alice');
    assert.equal(run.step('kill').code, 0, run.stderr);
    assertWebServed(run);
    assert.equal(run.step('man_page').out.trim(), '/usr/local/share/man/man5/tsvnc.conf.5');
  });
});
