import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { PNG } from 'pngjs';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import { DESKTOP } from './desktop-script.js';

const skip = sandboxUnavailable || (existsSync('/usr/bin/chromium') ? false : 'chromium is not installed (apt-get install chromium)');

/** The share of pixels within 15 % of magenta, the colour the desktop's root window is painted. */
function magentaShare(pngBase64: string): number {
  const png = PNG.sync.read(Buffer.from(pngBase64, 'base64'));
  const near = (value: number, target: number) => Math.abs(value - target) <= 38;
  let count = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (near(png.data[i] ?? 0, 255) && near(png.data[i + 1] ?? 0, 0) && near(png.data[i + 2] ?? 0, 255)) count++;
  }
  return count / (png.width * png.height);
}

describe('a browser opening the gateway URL (issue 16)', { skip }, () => {
  it('shows the desktop with nothing to type, and nothing of it with a wrong token', async () => {
    const run = await sandbox(`${DESKTOP}
      DISPLAY=:1 xsetroot -solid '#ff00ff'
      url=$(field url)
      step shot node "$FIXTURES/browser-shot.js" "$url" /tmp/shot.png
      step png base64 -w0 /tmp/shot.png
      step wrong node "$FIXTURES/browser-shot.js" "\${url%=*}=wrong" /tmp/wrong.png
      step wrongpng base64 -w0 /tmp/wrong.png`, { timeoutMs: 120_000 });
    assert.equal(run.json<{ connected: boolean }>('shot').connected, true, run.stderr.slice(-3000));
    const share = magentaShare(run.step('png').out);
    assert.ok(share > 0.9, `the screenshot is ${(share * 100).toFixed(1)} % magenta`);
    const wrong = run.json<{ connected: boolean; status: string }>('wrong');
    assert.equal(wrong.connected, false);
    assert.match(wrong.status, /Cannot reach the desktop/);
    assert.ok(magentaShare(run.step('wrongpng').out) < 0.01, 'nothing of the desktop shows');
    assert.match(run.stderr, /refused a WebSocket from 127\.0\.0\.1 port \d+: wrong token/, 'the refusal is logged');
  });
});
