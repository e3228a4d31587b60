// Prints debian/copyright (machine-readable format 1.0) for the package:
// tsvnc itself, then every npm package that esbuild put in the bundle, as
// listed in the bundle's metafile, with its copyright lines and license.
// Usage: node scripts/deb-copyright.mjs dist/bundle/meta.json
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const meta = JSON.parse(readFileSync(process.argv[2] ?? `${root}dist/bundle/meta.json`, 'utf8'));

/** npm license ids as the copyright format names them (its short names; MIT is ambiguous there, Expat is the one npm means). */
const SHORT_NAME = { MIT: 'Expat', ISC: 'ISC', 'Apache-2.0': 'Apache-2.0', 'BlueOak-1.0.0': 'BlueOak-1.0.0' };

const EXPAT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;

const ISC = `Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR
IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.`;

/** A license text as a field's continuation lines: indented, blank lines as " .". */
function field(text) {
  return text.trim().split('\n').map((line) => (line.trim() === '' ? ' .' : ` ${line.trimEnd()}`)).join('\n');
}

function licenseFile(dir) {
  const name = readdirSync(dir).find((file) => /^(licen[cs]e|copying)/i.test(file));
  return name === undefined ? '' : readFileSync(`${dir}/${name}`, 'utf8');
}

/** The copyright statement of a license file (up to the first blank line), else the package's author. */
function holders(text, pkg) {
  const lines = text.split('\n');
  const first = lines.findIndex((line) => /^\s*(copyright\b|\(c\)|©)/i.test(line));
  if (first >= 0) {
    const statement = [];
    for (const line of lines.slice(first)) {
      if (line.trim() === '') break;
      statement.push(line.trim().replace(/^copyright\s*/i, '').replace(/^(\(c\)|©)\s*/i, '').replace(/:$/, ''));
    }
    const joined = statement.filter(Boolean);
    if (joined.length > 0) return joined;
  }
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  return [author ?? `the ${pkg.name} authors`];
}

const packageDirs = new Set();
for (const input of Object.keys(meta.inputs)) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match?.[1]) packageDirs.add(match[1]);
}

const tsvnc = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
/** License short name -> the package directory of its first user, whose license file gives the text when no standard one is known. */
const used = new Map([[SHORT_NAME[tsvnc.license], root]]);
const paragraphs = [
  ['Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/', 'Upstream-Name: tsvnc',
    'Comment: /usr/share/tsvnc (tsvnc.mjs and its chunks) bundles tsvnc with the npm packages listed below.'].join('\n'),
  ['Files: *', 'Copyright: the tsvnc authors', `License: ${SHORT_NAME[tsvnc.license]}`].join('\n'),
];
for (const dir of [...packageDirs].sort()) {
  const pkg = JSON.parse(readFileSync(`${root}${dir}/package.json`, 'utf8'));
  const license = SHORT_NAME[pkg.license];
  if (license === undefined) throw new Error(`${pkg.name}: license "${pkg.license}" has no entry in scripts/deb-copyright.mjs`);
  if (!used.has(license)) used.set(license, `${root}${dir}`);
  const [first, ...rest] = holders(licenseFile(`${root}${dir}`), pkg);
  paragraphs.push([
    `Files: ${dir}/*`,
    `Copyright: ${first}${rest.map((line) => `\n ${line}`).join('')}`,
    `License: ${license}`,
    `Comment: ${pkg.name} ${pkg.version}`,
  ].join('\n'));
}

const texts = {
  Expat: field(EXPAT),
  ISC: field(ISC),
  'Apache-2.0': ' On Debian systems, the complete text of the Apache License, Version 2.0,\n can be found in "/usr/share/common-licenses/Apache-2.0".',
};
for (const [license, dir] of [...used].sort(([a], [b]) => a.localeCompare(b))) {
  paragraphs.push(`License: ${license}\n${texts[license] ?? field(licenseFile(dir))}`);
}
process.stdout.write(`${paragraphs.join('\n\n')}\n`);
