import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { runCli } from '../helpers/sandbox.js';
import { SETTINGS } from '../../src/config/settings.js';

const MAN = new URL('../../../man/', import.meta.url);

/** Roff source with the escapes that split words removed: \- is -, font changes and \% \& vanish. */
function plain(roff: string): string {
  return roff.replace(/\\f(?:[BIRP]|\[[A-Z]*\])/g, '').replace(/\\-/g, '-').replace(/\\[%&]/g, '');
}

/** The tags of the .TP items in `lines` (the line after each .TP). */
function itemTags(lines: string[]): string[] {
  return lines.flatMap((line, i) => (line.startsWith('.TP') && lines[i + 1] !== undefined ? [lines[i + 1] as string] : []));
}

/** The lines from the first heading `heading` matches up to the next heading of the same or a higher level. */
function section(lines: string[], heading: RegExp): string[] | undefined {
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) return undefined;
  const level = lines[start]?.slice(0, 3);
  const end = lines.findIndex((line, i) => i > start && (line.startsWith('.SH') || (level === '.SS' && line.startsWith('.SS'))));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

function mentions(tag: string, name: string): boolean {
  return new RegExp(`(^|[^\\w-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(tag);
}

interface Help {
  commands: string[];
  options: string[];
}

/** Commands and option names (aliases too) as yargs lists them in --help; hidden ones are not listed. */
function parseHelp(text: string): Help {
  const help: Help = { commands: [], options: [] };
  let block = '';
  for (const line of text.split('\n')) {
    const heading = /^(\w+):$/.exec(line);
    if (heading) {
      block = heading[1] ?? '';
      continue;
    }
    if (block === 'Commands') {
      const command = /^ {2}tsvnc ([a-z][\w-]*)/.exec(line);
      if (command?.[1]) help.commands.push(command[1]);
    } else if (block === 'Options') {
      // Names start the line within the first columns; wrapped descriptions are indented further.
      const option = /^ {2,6}((?:--?[\w-]+, )*--?[\w-]+)(?:\s|$)/.exec(line);
      if (option?.[1]) help.options.push(...option[1].split(', '));
    }
  }
  return help;
}

async function help(args: string[]): Promise<Help> {
  const result = await runCli([...args, '--help']);
  assert.equal(result.code, 0, result.stderr);
  return parseHelp(result.stdout);
}

describe('man pages cover the real CLI and configuration', () => {
  it('parses yargs help: commands, long and short option names, not wrapped descriptions', () => {
    const parsed = parseHelp(
      'Commands:\n  tsvnc start [display]  Start\n                         tsvnc wrapped\n\nOptions:\n  -f, --follow  keep\n                --not-an-option here\n      --json    print\n',
    );
    assert.deepEqual(parsed, { commands: ['start'], options: ['-f', '--follow', '--json'] });
  });

  it('tsvnc.1 has a section for every command, naming every option it lists in --help', async () => {
    const lines = plain(await readFile(new URL('tsvnc.1', MAN), 'utf8')).split('\n');
    const top = await help([]);
    assert.ok(top.commands.length >= 9, `too few commands parsed from tsvnc --help: ${top.commands.join(' ')}`);
    const globalTags = itemTags(section(lines, /^\.SH OPTIONS/) ?? []);
    const missing: string[] = [];
    for (const option of top.options) {
      if (!globalTags.some((tag) => mentions(tag, option))) missing.push(`global option ${option} (an item under OPTIONS)`);
    }
    for (const command of top.commands) {
      const body = section(lines, new RegExp(`^\\.SS tsvnc ${command}(?![\\w-])`));
      if (!body) {
        missing.push(`command ${command} (a ".SS tsvnc ${command}" section under COMMANDS)`);
        continue;
      }
      for (const option of (await help([command])).options) {
        if (top.options.includes(option)) continue;
        if (!body.some((line) => mentions(line, option)) && !globalTags.some((tag) => mentions(tag, option))) {
          missing.push(`${command} ${option} (in its section, or an item under OPTIONS)`);
        }
      }
    }
    assert.deepEqual(missing, [], 'man/tsvnc.1 lacks these');
  });

  it('tsvnc.1 has an EXAMPLES section', async () => {
    const lines = (await readFile(new URL('tsvnc.1', MAN), 'utf8')).split('\n');
    assert.ok((section(lines, /^\.SH EXAMPLES$/) ?? []).some((line) => line.startsWith('.EX')));
  });

  it('tsvnc.conf.5 has an item for every configuration key', async () => {
    const lines = plain(await readFile(new URL('tsvnc.conf.5', MAN), 'utf8')).split('\n');
    const tags = itemTags(lines).map((tag) => tag.replace(/^\.[BIR]{1,2}\s+"?/, ''));
    const keys = Object.keys(SETTINGS);
    assert.ok(keys.length > 0);
    assert.deepEqual(keys.filter((key) => !tags.some((tag) => mentions(tag, key) && tag.startsWith(key))), [], 'man/tsvnc.conf.5 lacks these keys');
  });
});
