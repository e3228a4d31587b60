import test from 'node:test';
import assert from 'node:assert/strict';
import { parseSessionsFile } from '../../src/system/sessions-file.js';
import { TsvncError } from '../../src/errors.js';

const FILE = '/etc/tsvnc/sessions';

test("vncserver.users' format: :N=user lines, comments, spacing, several displays a user", () => {
  assert.deepEqual(parseSessionsFile('# desktops\n:1=alice\n\n:2 = bob   # night shift\n3=alice\n', FILE), [
    { display: 1, user: 'alice' }, { display: 2, user: 'bob' }, { display: 3, user: 'alice' },
  ]);
  assert.deepEqual(parseSessionsFile('', FILE), []);
});

function assertBad(text: string, line: number, message: RegExp, hint: RegExp): void {
  assert.throws(() => parseSessionsFile(text, FILE), (error: unknown) => {
    assert.ok(error instanceof TsvncError);
    assert.equal(error.code, 'BAD_CONFIG');
    assert.ok(error.message.startsWith(`${FILE}:${line}: `), error.message);
    assert.match(error.message, message);
    assert.match(error.hint ?? '', hint);
    return true;
  });
}

test('a bad line names the file, the line and the format', () => {
  assertBad(':1=alice\nalice=:2', 2, /cannot read "alice=:2"/, /:N=user/);
  assertBad(':1=alice bob', 1, /cannot read/, /:N=user/);
  assertBad(':1=../root', 1, /not a user name/, /:N=user/);
  assertBad(':70000=alice', 1, /out of range/, /59535/);
  assertBad(':1=alice\n:1=bob', 2, /:1 is already given to alice/, /one user/);
});
