#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { exitStatusFor, userMessage } from './errors.js';
import { argumentError } from './commands/argument-errors.js';
import { applyGlobalOptions, GLOBAL_OPTIONS } from './commands/command-spec.js';
import { commandModules, quickCommand } from './commands/command-modules.js';
import { resolveInvocation } from './compat/invocation.js';
import { USAGE } from './compat/vncserver-options.js';
import { printError } from './output/print.js';

function packageVersion(): string {
  // A bundle has no package.json beside it: the bundler writes the version in.
  const bundled = (globalThis as { TSVNC_VERSION?: string }).TSVNC_VERSION;
  if (bundled !== undefined) return bundled;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const invocation = resolveInvocation(process.argv[1], argv);
    if ('usage' in invocation) {
      process.stdout.write(USAGE);
      return 0;
    }
    const quick = await quickCommand(invocation.argv);
    if (quick) {
      await quick();
      return typeof process.exitCode === 'number' ? process.exitCode : 0;
    }
    // Loaded only here: importing yargs costs more than the rest of a short command.
    const { default: yargs } = await import('yargs');
    await yargs(invocation.argv)
      .scriptName('tsvnc')
      .usage('$0 <command> [options]\n\nVNC session manager for TigerVNC: desktops that start, explain every busy display, and stop cleanly.')
      .option('log-level', { choices: GLOBAL_OPTIONS['log-level'].choices, requiresArg: true, describe: GLOBAL_OPTIONS['log-level'].describe })
      .option('scope', { choices: GLOBAL_OPTIONS.scope.choices, requiresArg: true, describe: GLOBAL_OPTIONS.scope.describe })
      .middleware((args) => applyGlobalOptions(args))
      .command(await commandModules(invocation.argv))
      .completion('completion', 'Print a bash completion script (the Debian package installs it)')
      .demandCommand(1, 'tell tsvnc what to do')
      .strict()
      .version(packageVersion())
      .help()
      .alias('h', 'help')
      .parserConfiguration({ 'populate--': true })
      .fail((message, error) => {
        // yargs reports its own parse errors as YError; only our handlers' errors pass through as they are.
        if (error && error.name !== 'YError') throw error;
        throw argumentError(message ?? error?.message ?? 'bad arguments', invocation.argv);
      })
      .parseAsync();
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    printError(userMessage(error));
    return exitStatusFor(error);
  }
}

process.exitCode = await main(process.argv.slice(2));
