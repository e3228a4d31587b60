import type { Argv } from 'yargs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LOG_LEVELS, setLogLevel, type Level } from '../log.js';
import { SCOPE_VARIABLE, SCOPES } from '../state/job-scope.js';

export interface OptionSpec {
  type: 'boolean' | 'string';
  describe: string;
  default?: boolean | string;
  alias?: string;
  choices?: readonly string[];
  /** Given any number of times: a list (only as --name=value on the quick path: yargs' list takes the words after it too). */
  multiple?: true;
  /** A string option whose --no-NAME says "none" (false). */
  negatable?: true;
  /** Internal: not in --help. */
  hidden?: true;
}

/**
 * A command's arguments, declared once: yargs is built from it (help,
 * completion, the error messages), and so is the short path that parses a
 * well-formed command line with node's own parser, so that `list` or
 * `kill :1` never waits for yargs to load (about 70-110 ms).
 */
export interface CommandSpec {
  command: string;
  describe: string;
  /** The one positional these commands take: a display. */
  display?: { required: boolean; describe: string };
  options: Record<string, OptionSpec>;
  /** The arguments after `--` are the command's too (as `'--'`). */
  passThrough?: true;
  epilog?: string;
}

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
type ValueOf<O extends OptionSpec> = O['type'] extends 'boolean' ? boolean
  : O['multiple'] extends true ? string[]
  : O['negatable'] extends true ? string | false
  : O['choices'] extends readonly (infer C)[] ? C : string;

/** The parsed arguments a handler gets, whichever path parsed them. */
export type ArgsOf<S extends CommandSpec> =
  { display: S['display'] extends { required: true } ? string : string | undefined }
  & { [K in keyof S['options'] & string as Camel<K>]: S['options'][K] extends { default: boolean | string } ? ValueOf<S['options'][K]> : ValueOf<S['options'][K]> | undefined }
  & (S['passThrough'] extends true ? { '--'?: (string | number)[] } : object);

/** The options every command takes, declared with the commands. */
export const GLOBAL_OPTIONS = {
  'log-level': { type: 'string', choices: LOG_LEVELS, describe: 'diagnostics on stderr' },
  scope: { type: 'string', choices: SCOPES, describe: "job: this batch job's own desktops, which end with it (the default inside a Slurm, PBS or LSF job; TSVNC_SCOPE); user: your daemon's" },
} as const satisfies Record<string, OptionSpec>;

/** What the global options set, whichever path parsed them: the scope travels in the environment, as TSVNC_SCOPE does. */
export function applyGlobalOptions(args: { logLevel?: Level | undefined; scope?: string | undefined }): void {
  if (args.logLevel) setLogLevel(args.logLevel);
  if (args.scope) process.env[SCOPE_VARIABLE] = args.scope;
}

/** The yargs builder of a command. */
export function builderOf(spec: CommandSpec): (yargs: Argv) => Argv {
  return (yargs) => {
    let built = spec.display ? yargs.positional('display', { type: 'string', describe: spec.display.describe, ...(spec.display.required ? { demandOption: true } : {}) }) : yargs;
    for (const [name, option] of Object.entries(spec.options)) {
      built = built.option(name, {
        type: option.type,
        describe: option.describe,
        ...(option.type === 'string' ? { requiresArg: true } : {}),
        ...(option.default === undefined ? {} : { default: option.default }),
        ...(option.alias ? { alias: option.alias } : {}),
        ...(option.choices ? { choices: option.choices } : {}),
        ...(option.multiple ? { array: true } : {}),
        ...(option.hidden ? { hidden: true } : {}),
      });
    }
    return spec.epilog ? built.epilog(spec.epilog) : built;
  };
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * The arguments of a well-formed command line for `spec`, or null for
 * anything else (an unknown option, a bad choice, a missing display, `--`,
 * --help): yargs then parses it and says what is wrong, in the one set of
 * words, so the two paths cannot disagree about an error.
 */
export function quickParse<S extends CommandSpec>(spec: S, argv: readonly string[]): (ArgsOf<S> & { logLevel?: Level; scope?: string }) | null {
  const end = argv.indexOf('--');
  if (end !== -1 && !spec.passThrough) return null;
  let words = end === -1 ? [...argv] : argv.slice(0, end);
  const all: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS, ...spec.options };
  const negated = new Set<string>();
  for (const [name, option] of Object.entries(all)) {
    if (option.negatable && words.includes(`--no-${name}`)) {
      // Both, or more than one: yargs' own rules decide.
      if (words.filter((w) => w === `--no-${name}` || w === `--${name}` || w.startsWith(`--${name}=`)).length > 1) return null;
      negated.add(name);
      words = words.filter((w) => w !== `--no-${name}`);
    }
    if (option.multiple && words.includes(`--${name}`)) return null;
    // Twice: yargs makes a list of it, or says no.
    const given = words.filter((w) => w === `--${name}` || w.startsWith(`--${name}=`) || (option.alias !== undefined && w === `-${option.alias}`));
    if (!option.multiple && given.length > 1) return null;
  }
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, option] of Object.entries(all)) options[name] = { type: option.type, ...(option.alias ? { short: option.alias } : {}), ...(option.multiple ? { multiple: true } : {}) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: words, options, allowPositionals: true, strict: true });
  } catch {
    return null;
  }
  const [command, display, ...extra] = parsed.positionals;
  if (command !== spec.command.split(' ')[0] || extra.length > 0) return null;
  if (display !== undefined ? !spec.display : spec.display?.required) return null;
  const args: Record<string, unknown> = { display, ...(end === -1 ? {} : { '--': argv.slice(end + 1) }) };
  for (const [name, option] of Object.entries(all)) {
    const value = negated.has(name) ? false : parsed.values[name] ?? option.default;
    if (option.choices && value !== undefined && !option.choices.includes(String(value))) return null;
    // An empty value is one yargs has its own words for.
    if (option.type === 'string' && (value === '' || (Array.isArray(value) && value.includes('')))) return null;
    args[camel(name)] = value;
  }
  // Checked above against the spec the type is made from: the one place where the two meet.
  return args as ArgsOf<S> & { logLevel?: Level; scope?: string };
}
