import { readdirSync, readFileSync } from 'node:fs';

export interface SshdX11 {
  /** `conditional`: off globally but switched on inside a Match block, so for some users or hosts. */
  forwarding: 'yes' | 'no' | 'conditional';
  offset: number;
  /** `file:line` of the deciding X11Forwarding line, or why there is none. */
  source: string;
}

/** The few file operations the parser needs, so tests can use an in-memory tree. null = missing. */
export interface ConfigFs {
  readFile(path: string): string | null;
  listDir(path: string): string[] | null;
}

const MAIN_PATH = '/etc/ssh/sshd_config';
const SSH_DIR = '/etc/ssh';
const DEFAULT_OFFSET = 10;
/** sshd's SERVCONF_MAX_DEPTH. */
const MAX_INCLUDE_DEPTH = 16;

interface Found {
  forwarding?: { value: 'yes' | 'no'; source: string };
  offset?: number;
  matchYes?: string;
}

export function resolveSshdX11(fs: ConfigFs, mainPath = MAIN_PATH): SshdX11 {
  const text = fs.readFile(mainPath);
  if (text === null) {
    return { forwarding: 'no', offset: DEFAULT_OFFSET, source: `no ${mainPath} (sshd not installed)` };
  }
  const found: Found = {};
  parseText(fs, found, mainPath, text, false, [mainPath]);
  const offset = found.offset ?? DEFAULT_OFFSET;
  if (found.forwarding?.value === 'yes') return { forwarding: 'yes', offset, source: found.forwarding.source };
  if (found.matchYes !== undefined) return { forwarding: 'conditional', offset, source: found.matchYes };
  return { forwarding: 'no', offset, source: found.forwarding?.source ?? `${mainPath} (default: no)` };
}

export async function readSshdX11(mainPath = MAIN_PATH): Promise<SshdX11> {
  return resolveSshdX11(nodeFs, mainPath);
}

/** The half-open range of displays X11 forwarding hands out, or null when it is off. */
export function sshdWindow(x11: SshdX11, size: number): [number, number] | null {
  return x11.forwarding === 'no' ? null : [x11.offset, x11.offset + size];
}

function orNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

const nodeFs: ConfigFs = {
  readFile: (path) => orNull(() => readFileSync(path, 'utf8')),
  listDir: (path) => orNull(() => readdirSync(path)),
};

/**
 * `inMatch` is the context the file starts in: sshd parses an Include'd file in
 * the includer's Match context and restores that context afterwards, so a Match
 * block never leaks out of the file it is written in.
 */
function parseText(
  fs: ConfigFs,
  found: Found,
  path: string,
  text: string,
  inMatch: boolean,
  chain: string[],
): void {
  let conditional = inMatch;
  text.split('\n').forEach((line, index) => {
    // sshd separates the keyword from its arguments by whitespace and/or one '='.
    const parsed = /^\s*([^\s=#][^\s=]*)\s*=?(.*)$/.exec(line);
    if (parsed === null) return;
    const [, keyword = '', rest = ''] = parsed;
    const args = splitArgs(rest);
    const where = `${path}:${index + 1}`;
    switch (keyword.toLowerCase()) {
      case 'match':
        // Criteria cannot be evaluated without a connection; only `Match all` is
        // global, and not even that inside a file included from a Match block.
        conditional = inMatch || !(args.length === 1 && args[0]?.toLowerCase() === 'all');
        break;
      case 'include':
        if (chain.length > MAX_INCLUDE_DEPTH) break;
        for (const included of args.flatMap((pattern) => expandInclude(fs, pattern))) {
          if (chain.includes(included)) continue;
          const includedText = fs.readFile(included);
          if (includedText === null) continue;
          parseText(fs, found, included, includedText, conditional, [...chain, included]);
        }
        break;
      case 'x11forwarding': {
        const value = args[0]?.toLowerCase();
        if (value !== 'yes' && value !== 'no') break;
        // The first value obtained wins, in Match blocks as globally.
        if (!conditional) found.forwarding ??= { value, source: where };
        else if (value === 'yes') found.matchYes ??= where;
        break;
      }
      case 'x11displayoffset':
        if (!conditional && /^\d+$/.test(args[0] ?? '')) found.offset ??= Number(args[0]);
        break;
    }
  });
}

function splitArgs(rest: string): string[] {
  const args: string[] = [];
  for (const [word, doubleQuoted, singleQuoted] of rest.matchAll(/"([^"]*)"|'([^']*)'|\S+/g)) {
    if (word.startsWith('#')) break;
    args.push(doubleQuoted ?? singleQuoted ?? word);
  }
  return args;
}

/** glob(3) as sshd calls it: per-component wildcards, hidden files only by explicit '.', sorted by byte order. */
function expandInclude(fs: ConfigFs, pattern: string): string[] {
  // sshd runs as root, so '~' is root's home; other relative paths are under /etc/ssh.
  const absolute = pattern.startsWith('/')
    ? pattern
    : pattern.startsWith('~')
      ? `/root${pattern.slice(1)}`
      : `${SSH_DIR}/${pattern}`;
  let paths = [''];
  for (const part of absolute.split('/').filter((component) => component !== '')) {
    if (!/[*?[]/.test(part)) {
      paths = paths.map((dir) => `${dir}/${part}`);
      continue;
    }
    const regex = globRegex(part);
    paths = paths.flatMap((dir) =>
      (fs.listDir(dir || '/') ?? []).filter((name) => regex.test(name)).map((name) => `${dir}/${name}`),
    );
  }
  return paths.sort();
}

function globRegex(pattern: string): RegExp {
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  let source = pattern.startsWith('.') ? '' : '(?!\\.)';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    const bodyStart = pattern[i + 1] === '!' || pattern[i + 1] === '^' ? i + 2 : i + 1;
    // A ']' first in the brackets is a member, not the end.
    const close = char === '[' ? pattern.indexOf(']', bodyStart + 1) : -1;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '\\' && i + 1 < pattern.length) source += escape(pattern[++i] ?? '');
    else if (close === -1) source += escape(char);
    else {
      const body = pattern.slice(bodyStart, close).replace(/[\]\\^[]/g, '\\$&');
      source += `[${bodyStart === i + 2 ? '^' : ''}${body}]`;
      i = close;
    }
  }
  return new RegExp(`^${source}$`);
}
