// Prints debian/copyright (machine-readable format 1.0) for the package:
// tsvnc itself, then every npm package that esbuild put in the bundle, as
// listed in the bundle's metafile, and every package it copied whole (noVNC),
// with its copyright lines and license.
// Usage: node scripts/deb-copyright.mjs dist/bundle/meta.json
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const meta = JSON.parse(readFileSync(process.argv[2] ?? `${root}dist/bundle/meta.json`, 'utf8'));

/** npm license ids as the copyright format names them (its short names; MIT is ambiguous there, Expat is the one npm means). */
const SHORT_NAME = { MIT: 'Expat', ISC: 'ISC', 'Apache-2.0': 'Apache-2.0', 'BlueOak-1.0.0': 'BlueOak-1.0.0', 'BSD-3-Clause': 'BSD-3-Clause', 'MPL-2.0': 'MPL-2.0' };
/** Licenses whose text names the holder, so each package's own text goes in its paragraph. */
const OWN_TEXT = new Set(['BSD-3-Clause']);

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

/** A comment block's text, without its delimiters and leading stars. */
function headerOf(file) {
  const block = /^\/\*([\s\S]*?)\*\//.exec(readFileSync(file, 'utf8'));
  if (!block?.[1]) throw new Error(`${file} no longer starts with its license comment; look again at COPIED in scripts/deb-copyright.mjs`);
  return block[1].split('\n').map((line) => line.replace(/^\s*\* ?/, '')).join('\n');
}

/**
 * What a copied package's license file says that its package.json does not:
 * the holders, and the files under other licenses (noVNC's LICENSE.txt lists
 * them; of those, the bundle copies only core/ and vendor/).
 */
const COPIED = {
  '@novnc/novnc': {
    copyright: (text) => {
      const statement = /^noVNC is Copyright \(C\) (.+)$/m.exec(text)?.[1];
      if (statement === undefined) throw new Error("@novnc/novnc's LICENSE.txt no longer names its holders as scripts/deb-copyright.mjs expects");
      return [statement];
    },
    parts: [
      { files: 'core/crypto/des.js', license: 'BSD-2-Clause and Widget-Workshop', text: (dir) => headerOf(`${dir}/core/crypto/des.js`) },
      { files: 'vendor/pako/*', license: 'Expat', holderFile: 'vendor/pako', comment: 'pako, a port of zlib to JavaScript' },
    ],
  },
};

const packageDirs = new Set(meta.copied ?? []);
for (const input of Object.keys(meta.inputs)) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match?.[1]) packageDirs.add(match[1]);
}

function copyrightField(lines) {
  const [first, ...rest] = lines;
  return `Copyright: ${first}${rest.map((line) => `\n ${line}`).join('')}`;
}

const tsvnc = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
/** License short name -> the package directory of its first user, whose license file gives the text when no standard one is known. */
const used = new Map([[SHORT_NAME[tsvnc.license], root]]);
const paragraphs = [
  ['Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/', 'Upstream-Name: tsvnc',
    'Comment: /usr/share/tsvnc (tsvnc.mjs and its chunks) bundles tsvnc with the npm packages listed below;\n /usr/share/tsvnc/chunks/novnc holds the noVNC client that the web gateway serves.'].join('\n'),
  ['Files: *', 'Copyright: the tsvnc authors', `License: ${SHORT_NAME[tsvnc.license]}`].join('\n'),
];
for (const dir of [...packageDirs].sort()) {
  const pkg = JSON.parse(readFileSync(`${root}${dir}/package.json`, 'utf8'));
  const license = SHORT_NAME[pkg.license];
  if (license === undefined) throw new Error(`${pkg.name}: license "${pkg.license}" has no entry in scripts/deb-copyright.mjs`);
  const text = licenseFile(`${root}${dir}`);
  if (!used.has(license) && !OWN_TEXT.has(license)) used.set(license, `${root}${dir}`);
  const copied = COPIED[pkg.name];
  paragraphs.push([
    `Files: ${dir}/*`,
    copyrightField(copied?.copyright(text) ?? holders(text, pkg)),
    OWN_TEXT.has(license) ? `License: ${license}\n${field(text)}` : `License: ${license}`,
    `Comment: ${pkg.name} ${pkg.version}`,
  ].join('\n'));
  // After the package's paragraph: of the Files paragraphs that match a file, the last one applies.
  for (const part of copied?.parts ?? []) {
    const partText = part.text?.(`${root}${dir}`);
    const lines = partText === undefined
      ? holders(licenseFile(`${root}${dir}/${part.holderFile}`), {})
      : partText.split('\n').map((line) => line.trim()).filter((line) => /^copyright\b/i.test(line)).map((line) => line.replace(/^copyright\s*(\(c\)\s*)?/i, ''));
    if (partText === undefined && !used.has(part.license)) used.set(part.license, `${root}${dir}/${part.holderFile}`);
    paragraphs.push([
      `Files: ${dir}/${part.files}`,
      copyrightField(lines),
      partText === undefined ? `License: ${part.license}` : `License: ${part.license}\n${field(partText)}`,
      ...(part.comment ? [`Comment: ${part.comment}`] : []),
    ].join('\n'));
  }
}

const texts = {
  Expat: field(EXPAT),
  ISC: field(ISC),
  'Apache-2.0': ' On Debian systems, the complete text of the Apache License, Version 2.0,\n can be found in "/usr/share/common-licenses/Apache-2.0".',
  'MPL-2.0': ' On Debian systems, the complete text of the Mozilla Public License, Version 2.0,\n can be found in "/usr/share/common-licenses/MPL-2.0".',
};
for (const [license, dir] of [...used].sort(([a], [b]) => a.localeCompare(b))) {
  paragraphs.push(`License: ${license}\n${texts[license] ?? field(licenseFile(dir))}`);
}
process.stdout.write(`${paragraphs.join('\n\n')}\n`);
