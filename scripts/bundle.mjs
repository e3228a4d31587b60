// Builds the program in OUTDIR (default dist/bundle): the entry tsvnc.mjs and
// the chunks it imports, chunks/*.mjs, holding the whole CLI and its npm
// dependencies as ES modules that the system's node runs with nothing else
// beside them (no node_modules, no package.json). Split, because loading code
// is most of a short command's run: `tsvnc list` loads list's code and not
// yargs, start's checks or the daemon. The chunks' names are hashes of their
// contents, so a build is reproducible. The Debian package and
// scripts/install.sh ship the entry and chunks/ (with the noVNC client the web
// gateway serves, chunks/novnc/); meta.json (the bundled and copied files, for
// deb-copyright.mjs) stays here.
import { build } from 'esbuild';
import { cp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, relative, resolve } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(await readFile(`${root}package.json`, 'utf8'));
const outDir = process.argv[2] ? resolve(process.argv[2]) : `${root}dist/bundle`;
const ownSource = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}src/.*\\.ts$`);

/**
 * src/log.ts loads winston on first use with createRequire(import.meta.url),
 * which a bundler cannot follow. Left to esbuild, winston's 360 KB would sit
 * in the chunk with log.ts that every command loads (and parses) though few
 * log anything: it is built apart as winston.cjs, which log.ts's chunk
 * requires beside itself, so winston is read only when first called.
 */
const WINSTON_FILE = 'winston.cjs';
const lazyWinston = {
  name: 'lazy-winston',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: ownSource }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll("createRequire(import.meta.url)('winston')", `require('./${WINSTON_FILE}')`),
      loader: 'ts',
    }));
    pluginBuild.onResolve({ filter: new RegExp(`^\\./${WINSTON_FILE.replace('.', '\\.')}$`) }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * yargs renders a command's whole help text after starting its handler, to
 * keep it for a failure message that src/cli.ts's own .fail() never prints:
 * measured 11 ms of the daemon's boot, on the same thread as the handler. In
 * the bundle that cache is left empty, so help is rendered only when shown.
 */
const HELP_CACHE = 'yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();';
const noHelpCache = {
  name: 'no-help-cache',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const code = await readFile(args.path, 'utf8');
      if (!code.includes(HELP_CACHE)) throw new Error(`bundle: ${args.path} no longer caches help as this script expects; look again at the no-help-cache plugin`);
      return { contents: code.replace(HELP_CACHE, ''), loader: 'js' };
    });
  },
};

/**
 * string-width (under yargs' help layout) builds an Intl.Segmenter when it is
 * loaded, which loads ICU's break-iterator data (7-11 ms), and compiles its
 * emoji regular expression (5 ms): at every command yargs parses, though
 * only help text ever measures a string. In the bundle both are built on
 * first use. Each name must be used only as the stand-in allows.
 */
const LAZY_IN_STRING_WIDTH = [
  { name: 'segmenter', eager: 'const segmenter = new Intl.Segmenter();', lazy: 'let realSegmenter; const segmenter = { segment: (text) => (realSegmenter ??= new Intl.Segmenter()).segment(text) };', use: 'segmenter.segment(' },
  { name: 'rgiEmojiRegex', eager: 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;', lazy: 'let realRgiEmojiRegex; const rgiEmojiRegex = { test: (text) => (realRgiEmojiRegex ??= /^\\p{RGI_Emoji}$/v).test(text) };', use: 'rgiEmojiRegex.test(' },
];
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/ }, async (args) => {
      let code = await readFile(args.path, 'utf8');
      // Every copy has the segmenter; only the newest has the emoji expression.
      if (!code.includes(LAZY_IN_STRING_WIDTH[0].eager)) throw new Error(`bundle: ${args.path} builds its segmenter other than this script expects; look again at the lazy-string-width plugin`);
      for (const { name, eager, lazy, use } of LAZY_IN_STRING_WIDTH) {
        if (!code.includes(eager)) continue;
        if (code.split(`${name}.`).length !== code.split(use).length) throw new Error(`bundle: ${args.path} uses ${name} other than as ${use}; look again at the lazy-string-width plugin`);
        code = code.replace(eager, lazy);
      }
      return { contents: code, loader: 'js' };
    });
  },
};

const common = { absWorkingDir: root, bundle: true, platform: 'node', target: 'node20.19', legalComments: 'eof', logLevel: 'warning', metafile: true };

// A build into an old directory would leave the old chunks beside the new
// ones; the directory itself is kept, with its mode (a caller may have made
// it private).
await rm(`${outDir}/chunks`, { recursive: true, force: true });
const result = await build({
  entryPoints: { tsvnc: `${root}src/cli.ts` },
  outdir: outDir,
  // .mjs: node takes them as ES modules whatever package.json is above the directory they are installed in.
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  format: 'esm',
  ...common,
  // The CommonJS dependencies require node's built-in modules, which an ES module can only do through createRequire (in every chunk).
  banner: { js: "import { createRequire as tsvncCreateRequire } from 'node:module';\nconst require = tsvncCreateRequire(import.meta.url);" },
  // src/cli.ts reads package.json beside the sources, which the bundle does not have.
  define: { 'globalThis.TSVNC_VERSION': JSON.stringify(version) },
  plugins: [lazyWinston, noHelpCache, lazyStringWidth],
});
const logChunk = Object.keys(result.metafile.outputs).find((out) => Object.keys(result.metafile.outputs[out].inputs).includes('src/log.ts'));
if (logChunk === undefined) throw new Error('bundle: no output holds src/log.ts');
const logger = await build({
  stdin: { contents: "module.exports = require('winston');", resolveDir: root, loader: 'js' },
  outfile: resolve(dirname(resolve(root, logChunk)), WINSTON_FILE),
  format: 'cjs',
  ...common,
});

/**
 * The web gateway serves noVNC's ES modules to browsers, read from a novnc/
 * folder beside the module that calls defaultNoVncDir()
 * (src/web/client-files.ts): the .js files under core/ and vendor/, which is
 * all it loads, and the license files that come with them.
 */
const NOVNC = 'node_modules/@novnc/novnc';
const NOVNC_LICENSES = ['LICENSE.txt', 'vendor/pako/LICENSE'];
const clientChunk = Object.keys(result.metafile.outputs).find((out) => Object.keys(result.metafile.outputs[out].inputs).includes('src/web/client-files.ts'));
if (clientChunk === undefined) throw new Error('bundle: no output holds src/web/client-files.ts');
const noVncDir = resolve(dirname(resolve(root, clientChunk)), 'novnc');
// The installers ship chunks/ as a tree; an entry that held client-files.ts would need noVNC beside it instead.
if (relative(`${outDir}/chunks`, noVncDir) !== 'novnc') throw new Error(`bundle: src/web/client-files.ts is in ${clientChunk}, not a chunk; noVNC must go beside it, and the installers ship only chunks/`);
for (const dir of ['core', 'vendor']) {
  await cp(`${root}${NOVNC}/${dir}`, `${noVncDir}/${dir}`, {
    recursive: true,
    filter: async (source) => source.endsWith('.js') || NOVNC_LICENSES.some((license) => source.endsWith(`/${license}`)) || (await stat(source)).isDirectory(),
  });
}
await cp(`${root}${NOVNC}/LICENSE.txt`, `${noVncDir}/LICENSE.txt`);

// The bundled files of both builds and the copied package, from which scripts/deb-copyright.mjs names the packages shipped.
const meta = { inputs: { ...result.metafile.inputs, ...logger.metafile.inputs }, outputs: { ...result.metafile.outputs, ...logger.metafile.outputs }, copied: [NOVNC] };
await writeFile(`${outDir}/meta.json`, JSON.stringify(meta));
