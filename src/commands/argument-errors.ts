import { TsvncError } from '../errors.js';
import { quote } from '../output/printable.js';
import { invokedCommand } from './command-modules.js';

/**
 * A word with one dash and several letters: yargs reads `-geometry` as the
 * flags g, e, o, m, e, t, r, y; the user meant an option.
 */
const SINGLE_DASH_WORD = /^-[A-Za-z][\w-]+(?:=.*)?$/s;

/**
 * yargs's own parse errors in tsvnc's words: what was wrong and how to write
 * it. `argv` is the command line yargs parsed; messages it has no better
 * sentence for are kept.
 */
export function argumentError(message: string, argv: readonly string[]): TsvncError {
  const missing = /^Not enough arguments following: (\S+)$/.exec(message);
  if (missing?.[1]) {
    const option = `${missing[1].length === 1 ? '-' : '--'}${missing[1]}`;
    return new TsvncError('BAD_ARGUMENT', `${option} needs a value`, `write ${option} VALUE; --help lists the options`);
  }
  // yargs writes the value given and the choices as JSON strings.
  const invalid = /^Invalid values:\s*Argument: (\S+), Given: (".*"), Choices: (.*)$/s.exec(message);
  if (invalid?.[1] && invalid[2] && invalid[3]) {
    const given = JSON.parse(invalid[2]) as string;
    const choices = invalid[3].split(', ').map((c) => c.replace(/^"|"$/g, ''));
    // A positional argument (tsvnc web :N on|off) is no option: name it as typed, not as --state.
    const asOption = argv.some((arg) => arg === `--${invalid[1]}` || arg.startsWith(`--${invalid[1]}=`));
    return new TsvncError('BAD_ARGUMENT', `${asOption ? `--${invalid[1]} ` : ''}${quote(given)} is not accepted`, `use ${choices.join(', ')}`);
  }
  // The one required positional of status, kill, logs, probe: a display.
  if (/^Not enough non-option arguments: got 0, need at least 1$/.test(message)) {
    const command = invokedCommand(argv) ?? 'this command';
    return new TsvncError('BAD_ARGUMENT', `tsvnc ${command} needs a display`, `write it as :N, e.g. tsvnc ${command} :1; tsvnc list shows yours`);
  }
  if (/^Unknown arguments?: /.test(message)) {
    const end = argv.indexOf('--');
    const word = (end === -1 ? argv : argv.slice(0, end)).find((arg) => SINGLE_DASH_WORD.test(arg));
    if (word !== undefined) {
      const name = word.slice(1).split('=')[0] ?? '';
      return new TsvncError('BAD_ARGUMENT', `${quote(word.split('=')[0] ?? '')} is not an option of tsvnc`, `tsvnc's own options take two dashes: --${name}`);
    }
  }
  return new TsvncError('BAD_ARGUMENT', message, 'see tsvnc --help');
}
