import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import { checkUmask } from '../../src/session/spawn-detached.js';
import { TsvncError } from '../../src/errors.js';

describe('the umask of the server and the session program', () => {
  it('is the starting command\'s, per start, not the daemon\'s 077', { skip: sandboxUnavailable }, async () => {
    const run = await sandbox(`set_passwd
      umask_of() { awk '/^Umask:/ {print $2}' /proc/"$1"/status; }
      field() { node -pe "JSON.parse(require('fs').readFileSync(0)).$1"; }
      export -f umask_of field
      step first bash -c 'umask 027; tsvnc start --xstartup "sleep 1000" --json'
      step second bash -c 'umask 002; tsvnc start --xstartup "sleep 1000" --json'
      step umasks bash -c 'for n in 1 2; do s=$(tsvnc status :$n --json); echo "$(umask_of $(echo "$s" | field pid)) $(umask_of $(echo "$s" | field programPid))"; done'
      step daemon bash -c 'umask_of $(daemon_pid)'
      step kill tsvnc kill ':*'`);
    assert.equal(run.step('first').code, 0, run.stderr);
    assert.equal(run.step('second').code, 0, run.stderr);
    assert.equal(run.step('umasks').out, '0027 0027\n0002 0002');
    assert.equal(run.step('daemon').out, '0077', 'the daemon itself stays owner-only');
    assert.equal(run.step('kill').code, 0);
  });

  it('from a request must be permission bits', () => {
    for (const good of [0, 0o22, 0o777]) checkUmask(good);
    for (const bad of [-1, 0o1000, 1.5, '022', null]) assert.throws(() => checkUmask(bad), (error: unknown) => error instanceof TsvncError && error.code === 'BAD_ARGUMENT');
  });
});
