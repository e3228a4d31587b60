/**
 * The floors of tsvnc, lowest first; a module imports from its own floor or
 * lower ones, never from above (npm run lint:deps, run by CI).
 *
 *   base    errors, log, printable text, display numbers, /proc readers, /tmp
 *   model   records and their validators, restart policy, probe results,
 *           option validators: types and pure checks every floor shares
 *   parts   config, state, lock, ports, sockets, risks, probe, x11, xauth,
 *           vnc, tools: one mechanism each
 *   core    session, supervise, daemon, system, doctor: the daemons' work
 *   client  cli.ts, commands, compat, start, output: what the user runs and sees
 */
const BASE = '^src/(errors\\.ts|log\\.ts|output/(printable|shell-word)\\.ts|display/|proc/|tmp/)';
const MODEL = '^src/model/';
const PARTS = '^src/(config|state|lock|ports|sockets|risks|probe|x11|xauth|vnc|tools)/';
const CORE = '^src/(session|supervise|daemon|system|doctor)/';
const CLIENT = '^src/(cli\\.ts|commands/|compat/|start/|output/(?!printable\\.ts|shell-word\\.ts))';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle of files has no lowest member: split out what both sides need, on a lower floor.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'base-imports-only-base',
      severity: 'error',
      comment: 'The base floor is what everything stands on: it imports nothing of tsvnc above it.',
      from: { path: BASE },
      to: { path: '^src/', pathNot: BASE },
    },
    {
      name: 'model-imports-only-model-and-base',
      severity: 'error',
      comment: 'Shared types and their validators: move what they need down here rather than importing up.',
      from: { path: MODEL },
      to: { path: '^src/', pathNot: `${MODEL}|${BASE}` },
    },
    {
      name: 'parts-do-not-import-core-or-client',
      severity: 'error',
      comment: 'A mechanism (config, a lock, a probe ...) knows nothing of the daemons or the CLI that use it.',
      from: { path: PARTS },
      to: { path: `${CORE}|${CLIENT}` },
    },
    {
      name: 'core-does-not-import-client',
      severity: 'error',
      comment: 'The daemons do not reach into the CLI, its commands or its renderers.',
      from: { path: CORE },
      to: { path: CLIENT },
    },
    {
      name: 'commands-only-from-cli',
      severity: 'error',
      comment: 'commands/ is the top: only cli.ts (and commands/ itself) imports it.',
      from: { path: '^src/', pathNot: '^src/(cli\\.ts|commands/)' },
      to: { path: '^src/commands/' },
    },
    {
      name: 'src-does-not-import-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};
