import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planText } from '../../src/output/plan-text.js';

describe('planText', () => {
  it('names the display, each skipped one with why, and the command line as a shell would read it', () => {
    const lines = planText({
      display: 2, skipped: [{ display: 1, reason: ':1 is in use' }], rfbPort: 5902, localhost: true,
      server: ['/usr/bin/Xtigervnc', ':2', '-desktop', "vm:2 (al's)"], sessionProgram: null, log: '/h/.vnc/vm:2.log',
    });
    assert.deepEqual(lines, [
      'Would start :2 (VNC port 5902 on localhost)',
      '  skipped :1: :1 is in use',
      "  server   /usr/bin/Xtigervnc :2 -desktop 'vm:2 (al'\\''s)'",
      '  session  none (--no-xstartup)',
      '  log      /h/.vnc/vm:2.log',
      'Nothing was started (--dry-run).',
    ]);
  });
});
