// Headless Chromium driven over its DevTools protocol, for the web scenario:
// each load in a browser context of its own (no cache, no open connection,
// no TLS session from an earlier load), timed inside the page from the
// navigation's start.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import WebSocket from 'ws';

/**
 * Runs in the page before its own scripts: marks (ms since navigation start)
 * when noVNC opens its WebSocket, when the page hides its status line (its
 * 'connect' handler does), when noVNC first draws onto the visible canvas,
 * and when that canvas first shows the desktop: its centre pixel turns the
 * colour the root window was painted.
 * The backbuffer noVNC decodes into is never in the document, so only
 * flips to the screen count. Then it hands the marks to the bench.
 */
const PROBE = `(() => {
  const marks = {};
  window.__benchMarks = marks;
  const mark = (name) => { if (!(name in marks)) marks[name] = performance.now(); };
  const Native = window.WebSocket;
  // The native object itself, not a subclass: noVNC checks its channel's prototype for WebSocket's methods.
  window.WebSocket = Object.assign(function WebSocket(...args) {
    const socket = new Native(...args);
    mark('wsCreated');
    socket.addEventListener('open', () => mark('wsOpen'));
    return socket;
  }, { prototype: Native.prototype, CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  new MutationObserver(() => {
    if (document.getElementById('status')?.hidden) mark('connect');
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden'] });
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const result = draw.apply(this, args);
    if (!('frame' in marks) && this.canvas.isConnected) {
      mark('firstDraw');
      const [r, g, b, a] = this.getImageData(this.canvas.width >> 1, this.canvas.height >> 1, 1, 1).data;
      if (r > 200 && g < 60 && b > 200 && a === 255) {
        mark('frame');
        const nav = performance.getEntriesByType('navigation')[0];
        window.__benchDone(JSON.stringify({ ...marks, response: nav?.responseEnd, domContentLoaded: nav?.domContentLoadedEventStart }));
      }
    }
    return result;
  };
})();`;

/** Starts Chromium; resolves { load(url), close() }. */
export async function chromium() {
  const child = spawn('/usr/bin/chromium', [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--ignore-certificate-errors', '--remote-debugging-port=0',
    '--no-first-run', '--disable-extensions', '--disable-background-networking',
    `--user-data-dir=${mkdtempSync('/tmp/chromium-')}`, '--window-size=1280,800', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const endpoint = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not open its DevTools port within 30 s: ${text.slice(-500)}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      text += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`chromium exited with ${code}: ${text.slice(-500)}`)));
  });
  const ws = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let next = 0;
  const answers = new Map();
  const listeners = new Set();
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.id !== undefined) {
      const answer = answers.get(message.id);
      answers.delete(message.id);
      if (message.error) answer?.reject(new Error(`DevTools: ${message.error.message}`));
      else answer?.resolve(message.result ?? {});
    } else for (const listener of listeners) listener(message);
  });
  const call = (method, params = {}, sessionId = undefined) => new Promise((resolve, reject) => {
    const id = ++next;
    answers.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params, sessionId }));
  });

  return {
    /** Opens url in a new context's page: the marks, in ms since the navigation started. */
    async load(url, timeoutMs = 30_000) {
      const { browserContextId } = await call('Target.createBrowserContext', { disposeOnDetach: true });
      try {
        const { targetId } = await call('Target.createTarget', { url: 'about:blank', browserContextId, width: 1280, height: 800 });
        const { sessionId } = await call('Target.attachToTarget', { targetId, flatten: true });
        const said = [];
        let listener;
        const done = new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no frame of the desktop in the page within ${timeoutMs / 1000} s`)), timeoutMs);
          listener = (message) => {
            if (message.sessionId !== sessionId) return;
            if (message.method === 'Runtime.bindingCalled' && message.params.name === '__benchDone') {
              clearTimeout(timer);
              resolve(JSON.parse(message.params.payload));
            }
            if (message.method === 'Runtime.exceptionThrown') said.push(message.params.exceptionDetails.exception?.description ?? message.params.exceptionDetails.text);
            if (message.method === 'Runtime.consoleAPICalled' && ['error', 'warning'].includes(message.params.type)) said.push(message.params.args.map((a) => a.value ?? a.description).join(' '));
          };
          listeners.add(listener);
        });
        done.catch(() => undefined);
        try {
          // Page.enable first: without it the probe is not added to the page the navigation makes.
          await call('Page.enable', {}, sessionId);
          await call('Runtime.enable', {}, sessionId);
          await call('Runtime.addBinding', { name: '__benchDone' }, sessionId);
          await call('Page.addScriptToEvaluateOnNewDocument', { source: PROBE }, sessionId);
          await call('Page.navigate', { url }, sessionId);
          return await done;
        } catch (error) {
          // How far the page got says why: its status line, the marks it reached, what it logged.
          const seen = await call('Runtime.evaluate', { expression: "JSON.stringify({ status: document.getElementById('status')?.textContent, marks: window.__benchMarks })", returnByValue: true }, sessionId).catch(() => ({}));
          throw new Error(`${error.message}; the page: ${seen.result?.value ?? 'no answer'}; it said: ${said.join(' | ').slice(0, 1000) || 'nothing'}`);
        } finally {
          listeners.delete(listener);
        }
      } finally {
        await call('Target.disposeBrowserContext', { browserContextId });
      }
    },
    close() {
      ws.terminate();
      child.kill('SIGKILL');
    },
  };
}
