import type { CommandModule } from 'yargs';
import { applyGlobalOptions, quickParse, type ArgsOf, type CommandSpec } from './command-spec.js';

/**
 * Every command's module, loaded only when needed: loading code is most of a
 * short command's run, so `tsvnc list` must not pay for doctor's probes or
 * start's option checks. The order is the order of `tsvnc --help`.
 */
const LOADERS = {
  start: () => import('./start.js'),
  list: () => import('./list.js'),
  status: () => import('./status.js'),
  kill: () => import('./kill.js'),
  logs: () => import('./logs.js'),
  web: () => import('./web.js'),
  otp: () => import('./otp.js'),
  passwd: () => import('./passwd.js'),
  daemon: () => import('./daemon.js'),
  probe: () => import('./probe.js'),
  doctor: () => import('./doctor.js'),
} as const;

type Name = keyof typeof LOADERS;

/** Top-level options that take a value: the word after them is not a command. */
const VALUE_OPTIONS = new Set(['--log-level', '--scope']);

/**
 * The command an argument list invokes: its first word that is neither an
 * option nor an option's value, if that names a command. Anything unusual
 * (no command, an unknown word, `--`, shell completion) gives undefined, and
 * the caller then loads every command so yargs answers exactly as before.
 */
export function invokedCommand(argv: readonly string[]): Name | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word === '--' || word.startsWith('--get-yargs-completions')) return undefined;
    if (word.startsWith('-')) {
      if (VALUE_OPTIONS.has(word)) i++;
      continue;
    }
    return Object.hasOwn(LOADERS, word) ? (word as Name) : undefined;
  }
  return undefined;
}

/** The modules yargs needs for this argument list: the invoked command's alone, else all of them. */
export async function commandModules(argv: readonly string[]): Promise<CommandModule[]> {
  const name = invokedCommand(argv);
  const loaders = name === undefined ? Object.values(LOADERS) : [LOADERS[name]];
  return (await Promise.all(loaders.map((load) => load()))) as unknown as CommandModule[];
}

type Quick = (argv: readonly string[]) => (() => Promise<void>) | null;

function quick<S extends CommandSpec>(module: { spec: S; handler: (args: ArgsOf<S>) => Promise<void> }): Quick {
  return (argv) => {
    const args = quickParse(module.spec, argv);
    if (args === null) return null;
    return () => {
      applyGlobalOptions(args);
      return module.handler(args);
    };
  };
}

/** The commands a user runs most, which a well-formed command line runs without yargs (see command-spec.ts). */
const QUICK: Partial<Record<Name, () => Promise<Quick>>> = {
  start: () => import('./start.js').then(quick),
  // The daemon's boot: a cold start waits for it.
  daemon: () => import('./daemon.js').then(quick),
  list: () => import('./list.js').then(quick),
  status: () => import('./status.js').then(quick),
  kill: () => import('./kill.js').then(quick),
  logs: () => import('./logs.js').then(quick),
  // A portal asks for one at each connection.
  otp: () => import('./otp.js').then(quick),
  probe: () => import('./probe.js').then(quick),
};

/** The invoked command, ready to run, when it is one of those and its command line is well formed; else null (yargs then parses it). */
export async function quickCommand(argv: readonly string[]): Promise<(() => Promise<void>) | null> {
  const name = invokedCommand(argv);
  const load = name === undefined ? undefined : QUICK[name];
  return load ? (await load())(argv) : null;
}
