import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxRun } from '../helpers/sandbox.js';

const NOVNC = fileURLToPath(new URL('../../../node_modules/@novnc/novnc/', import.meta.url));

/**
 * What an installed tsvnc must hold of noVNC, said apart from scripts/bundle.mjs:
 * every .js file under core/ and vendor/ (what the gateway loads), and with
 * `licenses` the package's license files, relative to its folder, sorted.
 */
export async function bundledNoVnc(licenses: boolean): Promise<string[]> {
  const files: string[] = licenses ? ['LICENSE.txt', 'vendor/pako/LICENSE'] : [];
  for (const dir of ['core', 'vendor']) {
    for (const entry of await readdir(join(NOVNC, dir), { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && entry.name.endsWith('.js')) files.push(relative(NOVNC, join(entry.parentPath, entry.name)));
    }
  }
  return files.sort();
}

/**
 * Sandbox steps: `tsvnc start --web` from the installed program (run as
 * `program`, the installed one, with its user) serves the page and noVNC's
 * files from `lib`, the folder it is installed in, and kill closes the port.
 */
export function webSteps(program: string, lib: string): string {
  return `step web_start ${program} start --web --no-xstartup --json
      page=$(${program} status :1 --json | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).web.url.replace(/#.*/, "")')
      step web_page curl -sk -o /dev/null -w '%{http_code}' "$page"
      step web_rfb curl -sk -o "$HOME/web-rfb.js" -w '%{http_code}' "\${page}novnc/core/rfb.js"
      step web_rfb_same cmp "$HOME/web-rfb.js" ${lib}/chunks/novnc/core/rfb.js
      step web_pako curl -sk -o /dev/null -w '%{http_code}' "\${page}novnc/vendor/pako/lib/zlib/inflate.js"
      step web_kill ${program} kill :1
      step web_closed bash -c 'ss -Hltn "sport = :5801" | wc -l'`;
}

export function assertWebServed(run: SandboxRun): void {
  assert.equal(run.step('web_start').code, 0, run.stderr);
  assert.match(run.json<{ web?: { url: string } }>('web_start').web?.url ?? '', /^https:\/\/localhost:5801\/#token=/);
  assert.equal(run.step('web_page').out, '200', 'the gateway serves its page');
  assert.equal(run.step('web_rfb').out, '200', "and noVNC's client from the installed files");
  assert.equal(run.step('web_rfb_same').code, 0, 'the installed core/rfb.js, as it is');
  assert.equal(run.step('web_pako').out, '200', "and noVNC's vendored pako");
  assert.equal(run.step('web_kill').code, 0, run.stderr);
  assert.equal(run.step('web_closed').out, '0', 'kill closed the web port');
}
