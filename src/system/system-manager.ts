import { readdir } from 'node:fs/promises';
import { TsvncError } from '../errors.js';
import { logger, type Level } from '../log.js';
import { parseDisplay } from '../display/display-number.js';
import type { Request, StartRequest } from '../daemon/protocol.js';
import type { SessionSummary } from '../session/session-record.js';
import type { SessionEntry } from './sessions-file.js';
import { lookupUser, type Account } from './user-account.js';
import { UserDaemons } from './user-daemons.js';
import { USERS_DIR } from './system-paths.js';

type Log = (level: Level, message: string) => void;
type Owned = SessionSummary & { user: string };

/**
 * Root's side of the system daemon. It runs no session itself: each user's
 * sessions live in that user's daemon, running as the user, so every file in
 * a home or /tmp is created and removed by its owner. Root's requests are
 * forwarded to the daemon that owns the display.
 */
export class SystemManager {
  readonly daemons = new UserDaemons();
  private entries: SessionEntry[] = [];

  async handle(request: Request, log: Log): Promise<unknown> {
    switch (request.op) {
      case 'ping': return { pid: process.pid, system: true };
      case 'start': return this.start(request.start, log);
      case 'list': return request.all ? this.listAll() : this.own().then((root) => this.daemons.call(root, request));
      case 'status': return this.daemons.call(await this.owner(parseDisplay(String(request.display))), request, log);
      case 'kill': {
        const owner = request.target === 'all' ? await this.own() : await this.owner(parseDisplay(String(request.target)));
        return this.daemons.call(owner, request, log);
      }
    }
  }

  /** The desktops of /etc/tsvnc/sessions, each started as its user unless it already runs (a restarted system daemon). */
  async startListed(entries: SessionEntry[]): Promise<void> {
    this.entries = entries;
    const users = [...new Set(entries.map((e) => e.user))];
    await Promise.all(users.map(async (user) => {
      try {
        const account = await lookupUser(user);
        const { env } = await this.daemons.ensure(account);
        const running = new Set(((await this.daemons.call(account, { op: 'list' })) as SessionSummary[])
          .filter((s) => s.state !== 'failed' && s.state !== 'stopped').map((s) => s.display));
        for (const { display } of entries.filter((e) => e.user === user)) {
          if (running.has(display)) continue;
          await this.daemons.call(account, { op: 'start', start: { display, env, noXstartup: false, insecure: false, extraArgs: [] } })
            .then(() => logger.info(`:${display} started for ${user}`), (error: Error) => logger.error(`:${display} for ${user}: ${error.message}`));
        }
      } catch (error) {
        logger.error(`${user}'s desktops (${displaysOf(entries, user)}) not started: ${(error as Error).message}`);
      }
    }));
  }

  /** A display of /etc/tsvnc/sessions starts as its user, in their login environment; any other as root. */
  private async start(req: StartRequest, log: Log): Promise<unknown> {
    const entry = req.display === undefined ? undefined : this.entries.find((e) => e.display === req.display);
    const account = entry ? await lookupUser(entry.user) : await this.own();
    const { env } = await this.daemons.ensure(account);
    return { ...(await this.daemons.call(account, { op: 'start', start: entry ? { ...req, env } : req }, log)) as object, user: account.name };
  }

  private own(): Promise<Account> {
    return lookupUser('root');
  }

  /** Every user's daemon under /run/tsvnc/users, including users no longer listed whose sessions still run. */
  private async accounts(): Promise<Account[]> {
    const uids = (await readdir(USERS_DIR).catch(() => [])).filter((name) => /^\d+$/.test(name));
    const found = await Promise.all(uids.map((uid) => lookupUser(uid).catch(() => null)));
    return found.filter((a): a is Account => a !== null);
  }

  /** Each user's sessions, from their daemon; a daemon that cannot answer counts as none, with a warning. */
  private async everyone(): Promise<{ account: Account; sessions: SessionSummary[] }[]> {
    return Promise.all((await this.accounts()).map(async (account) => {
      const sessions = (await this.daemons.call(account, { op: 'list' }).catch((error: Error) => {
        logger.warn(`cannot list ${account.name}'s sessions: ${error.message}`);
        return [];
      })) as SessionSummary[];
      return { account, sessions };
    }));
  }

  private async listAll(): Promise<Owned[]> {
    const owned = (await this.everyone()).flatMap(({ account, sessions }) => sessions.map((s) => ({ ...s, user: account.name })));
    return owned.sort((a, b) => a.display - b.display);
  }

  private async owner(display: number): Promise<Account> {
    const found = (await this.everyone()).find(({ sessions }) => sessions.some((s) => s.display === display));
    if (!found) throw new TsvncError('NOT_A_SESSION', `:${display} is not a tsvnc session of any user`, 'tsvnc list --all shows them');
    return found.account;
  }
}

function displaysOf(entries: SessionEntry[], user: string): string {
  return entries.filter((e) => e.user === user).map((e) => `:${e.display}`).join(', ');
}
