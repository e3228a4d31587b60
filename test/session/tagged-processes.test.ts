import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { carriesTag, tagIn, taggedProcesses, TAG_VARIABLE } from '../../src/session/tagged-processes.js';

const environ = (...entries: string[]) => Buffer.from(`${entries.join('\0')}\0`);

describe('desktop tags', () => {
  it('match only the whole TSVNC_DESKTOP entry', () => {
    const block = environ('HOME=/h', `${TAG_VARIABLE}=vm:1:abc`, 'X=1');
    assert.equal(carriesTag(block, 'vm:1:abc'), true);
    assert.equal(carriesTag(block, 'vm:1:ab'), false);
    assert.equal(carriesTag(environ(`${TAG_VARIABLE}=vm:1:abcd`), 'vm:1:abc'), false);
    assert.equal(carriesTag(environ(`X${TAG_VARIABLE}=vm:1:abc`), 'vm:1:abc'), false);
    assert.equal(carriesTag(Buffer.from(`${TAG_VARIABLE}=vm:1:abc`), 'vm:1:abc'), true, 'a block without a final NUL');
    assert.equal(tagIn(block), 'vm:1:abc');
    assert.equal(tagIn(environ('HOME=/h')), '');
  });

  it('find the processes carrying the tag, whatever session they are in, and nothing else', async () => {
    const tag = `test:${process.pid}:${Date.now()}`;
    const start = (env: Record<string, string>) => spawn('sleep', ['30'], { env: { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin' }, detached: true, stdio: 'ignore' });
    const tagged = start({ [TAG_VARIABLE]: tag });
    const other = start({ [TAG_VARIABLE]: `${tag}x` });
    const plain = start({});
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const found = await taggedProcesses(tag);
      assert.deepEqual(found.map((id) => id.pid), [tagged.pid]);
      assert.ok(found[0] && found[0].startTicks > 0);
      assert.deepEqual(await taggedProcesses(''), [], 'an untagged record finds nothing');
    } finally {
      for (const child of [tagged, other, plain]) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
  });
});
