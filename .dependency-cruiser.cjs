/**
 * The floors of tsvnc, lowest first; a module imports from its own floor or
 * lower ones, never from above (npm run lint:deps, run by CI).
 *
 *   base    errors, log, printable text, display numbers, /proc readers, /tmp
 *   model   records and their validators, restart policy, probe results,
 *           option validators: types and pure checks every floor shares
 *   parts   config, state, lock, ports, sockets, risks, probe, x11, xauth,
 *           vnc, tools, web: one mechanism each
 *   core    session, lifecycle, daemon, system, doctor: the daemons' work
 *   client  cli.ts, commands, compat, client-start, slurm, output: what the user runs and sees
 */
const BASE = '^src/(errors\\.ts|log\\.ts|output/(printable|shell-word)\\.ts|display/|proc/|tmp/)';
const MODEL = '^src/model/';
const PARTS = '^src/(config|state|lock|ports|sockets|risks|probe|x11|xauth|vnc|tools|web)/';
const CORE = '^src/(session|lifecycle|daemon|system|doctor)/';
const CLIENT = '^src/(cli\\.ts|commands/|compat/|client-start/|slurm/|output/(?!printable\\.ts|shell-word\\.ts))';

/**
 * Inside core, from the ground up: doctor, session (the mechanics of one
 * session), lifecycle (the one owner of every session), daemon, system;
 * daemon/protocol.ts, the wire format, sits under all of them.
 */
const CORE_FLOORS = [
  { name: 'doctor', above: '^src/(session|lifecycle|daemon|system)/' },
  { name: 'session', above: '^src/(lifecycle|daemon|system)/' },
  { name: 'lifecycle', above: '^src/(daemon|system)/' },
  { name: 'daemon', above: '^src/system/' },
];
const PROTOCOL = '^src/daemon/protocol\\.ts$';

/**
 * The imports that still go up a core floor, each to go with the work that
 * removes it. Nothing else may join this list without a reason beside it.
 */
const KNOWN_UPWARD = [
  // A user's start reads root's sessions file, which the system daemon owns.
  { floor: 'session', from: '^src/session/prepare-start\\.ts$', to: '^src/system/sessions-file\\.ts$' },
  // Telling tsvnc's own servers from others' (doctor) lives beside the server command line (session).
  { floor: 'doctor', from: '^src/doctor/display-findings\\.ts$', to: '^src/session/start-options\\.ts$' },
  // The client finds root's socket, whose path the system daemon owns.
  { floor: 'daemon', from: '^src/daemon/control-client\\.ts$', to: '^src/system/system-paths\\.ts$' },
];

/** One rule per core floor; a file with a known upward import gets its own rule that allows just that one. */
function coreFloorRules() {
  return CORE_FLOORS.flatMap(({ name, above }) => {
    const from = `^src/${name}/`;
    const exceptions = KNOWN_UPWARD.filter((known) => known.floor === name);
    const rule = (extra) => ({
      name: `${name}-imports-no-higher-core-floor`,
      severity: 'error',
      comment: `${name}/ imports from no core folder above it (${above}), except the wire format.`,
      ...extra,
    });
    return [
      rule({ from: { path: from, pathNot: exceptions.map((e) => e.from) }, to: { path: above, pathNot: PROTOCOL } }),
      ...exceptions.map((e) => rule({ from: { path: e.from }, to: { path: above, pathNot: [PROTOCOL, e.to] } })),
    ];
  });
}

module.exports = {
  forbidden: [
    ...coreFloorRules(),
    {
      name: 'protocol-is-under-core',
      severity: 'error',
      comment: 'The wire format is shared by every daemon-side floor and the client: it imports none of them.',
      from: { path: PROTOCOL },
      to: { path: `${CORE}|${CLIENT}` },
    },
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
