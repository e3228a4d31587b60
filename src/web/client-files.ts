import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TsvncError } from '../errors.js';

/**
 * What the gateway serves: noVNC's client library (its ES modules, loaded
 * from the package's core/ and vendor/ folders) and a page of tsvnc's own
 * that connects it at once. All of it is read into memory at start-up, so a
 * request can only ever name one of these files, never a path on disk.
 */
export interface ClientFile {
  type: string;
  body: Buffer;
}

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tsvnc</title>
<link rel="stylesheet" href="/tsvnc-web.css">
<script type="module" src="/tsvnc-web.js"></script>
</head>
<body>
<div id="status">Connecting&hellip;</div>
<div id="screen"></div>
</body>
</html>
`;

const STYLE = `html, body { margin: 0; height: 100%; background: #1e1e1e; overflow: hidden; }
#screen { width: 100%; height: 100%; }
#status { position: fixed; top: 0; left: 0; right: 0; padding: 0.4em; font: 14px sans-serif; color: #eee; background: #333; text-align: center; z-index: 1; }
#status[hidden] { display: none; }
`;

// The token travels in the fragment, which browsers never send to a server or in a Referer.
const SCRIPT = `import RFB from '/novnc/core/rfb.js';
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
const status = document.getElementById('status');
const say = (text) => { status.textContent = text; status.hidden = false; };
const rfb = new RFB(document.getElementById('screen'), \`wss://\${location.host}/websockify?token=\${encodeURIComponent(token)}\`, { shared: true });
rfb.scaleViewport = true;
rfb.addEventListener('connect', () => { status.hidden = true; rfb.focus(); });
rfb.addEventListener('desktopname', (e) => { document.title = e.detail.name; });
rfb.addEventListener('securityfailure', (e) => say(\`Refused: \${e.detail.reason ?? 'no reason given'}\`));
rfb.addEventListener('disconnect', (e) => { if (status.hidden || status.textContent.startsWith('Connecting')) say(e.detail.clean ? 'Disconnected' : 'Cannot reach the desktop (is the token right?)'); });
`;

const JS = 'text/javascript; charset=utf-8';

/**
 * noVNC's files: a novnc/ folder beside this module where the single-file
 * bundle ships them, else the package, found as node finds it (its exports
 * name core/rfb.js alone).
 */
export function defaultNoVncDir(): string {
  const beside = fileURLToPath(new URL('novnc/', import.meta.url));
  if (existsSync(join(beside, 'core', 'rfb.js'))) return beside;
  return dirname(dirname(fileURLToPath(import.meta.resolve('@novnc/novnc'))));
}

async function filesUnder(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.js')).map((e) => relative(root, join(e.parentPath, e.name)));
}

export async function loadClientFiles(noVncDir: string): Promise<Map<string, ClientFile>> {
  const files = new Map<string, ClientFile>([
    ['/', { type: 'text/html; charset=utf-8', body: Buffer.from(PAGE) }],
    ['/tsvnc-web.css', { type: 'text/css; charset=utf-8', body: Buffer.from(STYLE) }],
    ['/tsvnc-web.js', { type: JS, body: Buffer.from(SCRIPT) }],
  ]);
  try {
    for (const path of [...(await filesUnder(noVncDir, 'core')), ...(await filesUnder(noVncDir, 'vendor'))]) {
      files.set(`/novnc/${path}`, { type: JS, body: await readFile(join(noVncDir, path)) });
    }
  } catch (error) {
    throw new TsvncError('TOOL_NOT_FOUND', `the noVNC client is missing from ${noVncDir}: ${(error as Error).message}`, 'reinstall tsvnc (its package ships noVNC)', { cause: error });
  }
  if (!files.has('/novnc/core/rfb.js')) throw new TsvncError('TOOL_NOT_FOUND', `${noVncDir} holds no noVNC client (core/rfb.js)`, 'reinstall tsvnc (its package ships noVNC)');
  return files;
}
