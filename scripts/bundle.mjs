// Builds tsvnc.mjs in OUTDIR (default dist/bundle): the whole CLI and its npm
// dependencies in one ES module that the system's node runs, with nothing
// beside it (no node_modules, no package.json). The Debian package and
// scripts/install.sh ship it.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(await readFile(`${root}package.json`, 'utf8'));
const outDir = process.argv[2] ? resolve(process.argv[2]) : `${root}dist/bundle`;
const ownSource = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}src/.*\\.ts$`);

/**
 * src/log.ts loads winston on first use with createRequire(import.meta.url),
 * which a bundler cannot follow. Written as a plain require(), esbuild puts
 * winston in the bundle and still evaluates it only when it is first called.
 */
const lazyRequire = {
  name: 'lazy-require',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: ownSource }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll('createRequire(import.meta.url)(', 'require('),
      loader: 'ts',
    }));
  },
};

const result = await build({
  entryPoints: [`${root}src/cli.ts`],
  outfile: `${outDir}/tsvnc.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  // The CommonJS dependencies require node's built-in modules, which an ES module can only do through createRequire.
  banner: { js: "import { createRequire as tsvncCreateRequire } from 'node:module';\nconst require = tsvncCreateRequire(import.meta.url);" },
  // src/cli.ts reads package.json beside the sources, which the bundle does not have.
  define: { 'globalThis.TSVNC_VERSION': JSON.stringify(version) },
  plugins: [lazyRequire],
  legalComments: 'eof',
  logLevel: 'warning',
  // Lists the bundled files, from which scripts/deb-copyright.mjs names the bundled packages.
  metafile: true,
});
await writeFile(`${outDir}/meta.json`, JSON.stringify(result.metafile));
