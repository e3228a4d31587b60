import { readdir } from 'node:fs/promises';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { parseDisplay } from '../display/display-number.js';
import type { CallOptions } from '../daemon/control-client.js';
import { dispatch, type KillResult, type ListedSession, type Log, type RequestOf, type Request, type Result, type StartRequest, type StartResult } from '../daemon/protocol.js';
import type { SessionSummary } from '../model/session-record.js';
import { waitGone } from '../session/stop-process.js';
import type { SessionEntry } from './sessions-file.js';
import { lookupUser, type Account } from './user-account.js';
import { UserDaemons } from './user-daemons.js';
import { USERS_DIR } from './system-paths.js';
import { claimConflict, kernelOwner, type KernelOwner } from './display-owner.js';

/** `conflict`: the user's daemon claims the session but the kernel says otherwise; shown as a claim, never as fact. */
type Owned = ListedSession & { user: string };

/** How long a killed server may take to be seen gone after its daemon said it ended it. */
const KILL_CHECK_MS = 3_000;
/** Forwarded requests give up before root's client does, so root hears which user's daemon is stuck. */
const FORWARD_SCALE = 0.8;

/**
 * Root's side of the system daemon. It runs no session itself: each user's
 * sessions live in that user's daemon, running as the user, so every file in
 * a home or /tmp is created and removed by its owner. Root's requests are
 * forwarded to the daemon that owns the display by the kernel's word (the X
 * lock's owner, the uid of the process it names), never by a daemon's.
 */
/**
 * What a desktop started at boot gets as its umask: no command gave one, and
 * the daemons' own 077 would make every file of the user's session private
 * (vncserver under systemd gets the manager's 022 likewise).
 */
const LOGIN_UMASK = 0o022;

export class SystemManager {
  readonly daemons = new UserDaemons();
  private entries: SessionEntry[] = [];

  async handle(request: Request, log: Log, gone?: AbortSignal): Promise<Result> {
    const forward: CallOptions = { onLog: log, boundScale: FORWARD_SCALE, ...(gone ? { signal: gone } : {}) };
    return dispatch({
      ping: async () => ({ pid: process.pid, system: true }),
      start: (r) => this.start(r.start, forward),
      list: async (r) => (r.all ? this.listAll(log) : this.daemons.call(await this.own(), r, forward)),
      status: async (r) => this.daemons.call((await this.owner(parseDisplay(String(r.display)), log)).account, r, forward),
      web: async (r) => this.daemons.call((await this.owner(parseDisplay(String(r.display)), log)).account, r, forward),
      otp: async (r) => this.daemons.call((await this.owner(parseDisplay(String(r.display)), log)).account, r, forward),
      kill: async (r) => (r.target === 'all' ? this.daemons.call(await this.own(), r, forward) : this.kill(parseDisplay(String(r.target)), r, log, forward)),
    }, request, log, gone);
  }

  /** The desktops of /etc/tsvnc/sessions, each started as its user unless it already runs (a restarted system daemon). */
  async startListed(entries: SessionEntry[]): Promise<void> {
    this.entries = entries;
    const users = [...new Set(entries.map((e) => e.user))];
    await Promise.all(users.map(async (user) => {
      try {
        const account = await lookupUser(user);
        const { env } = await this.daemons.ensure(account);
        const running = new Set((await this.daemons.call(account, { op: 'list' }))
          .filter((s) => s.state !== 'failed' && s.state !== 'stopped').map((s) => s.display));
        for (const { display } of entries.filter((e) => e.user === user)) {
          if (running.has(display)) continue;
          await this.daemons.call(account, { op: 'start', start: { display, env, noXstartup: false, insecure: false, extraArgs: [], umask: LOGIN_UMASK } })
            .then(() => logger.info(`:${display} started for ${user}`), (error: Error) => logger.error(`:${display} for ${user}: ${error.message}`));
        }
      } catch (error) {
        logger.error(`${user}'s desktops (${displaysOf(entries, user)}) not started: ${(error as Error).message}`);
      }
    }));
  }

  /** A display of /etc/tsvnc/sessions starts in its user's own daemon, in their login environment; any other in root's. */
  private async start(req: StartRequest, forward: CallOptions): Promise<StartResult> {
    const entry = req.display === undefined ? undefined : this.entries.find((e) => e.display === req.display);
    const account = entry ? await lookupUser(entry.user) : await this.own();
    const { env } = await this.daemons.ensure(account);
    const result = await this.daemons.call(account, { op: 'start', start: entry ? { ...req, env } : req }, forward);
    // The user's daemon is the user's word: what it started is believed once the kernel shows it.
    const wrong = req.display !== undefined && result.display !== req.display
      ? `it reports :${result.display}, not the :${req.display} asked for`
      : claimConflict(result, account.uid, await kernelOwner(result.display), (uid) => (uid === account.uid ? account.name : `uid ${uid}`));
    if (wrong !== null) throw new TsvncError('SERVER_FAILED', `${account.name}'s daemon says it started a desktop, but ${wrong}`, `see ${account.name}'s daemon log; tsvnc list --all shows what runs`);
    return { ...result, user: account.name };
  }

  /** Forwarded to the display's owner, and believed only once the server the kernel named is gone. */
  private async kill(display: number, request: RequestOf<'kill'>, log: Log, forward: CallOptions): Promise<KillResult> {
    const { account, kernel } = await this.owner(display, log);
    const result = await this.daemons.call(account, request, forward);
    if (kernel.kind === 'user' && kernel.holder !== null && !(await waitGone([kernel.holder], KILL_CHECK_MS))) {
      throw new TsvncError('SERVER_FAILED', `${account.name}'s daemon says it ended :${display}, but pid ${kernel.pid}, which holds :${display}, still runs`, `see ${account.name}'s daemon log; kill ${kernel.pid} ends it`);
    }
    // Only what was asked for: a daemon that reports other displays ended is not believed about them.
    return { killed: result.killed.filter((n) => n === display) };
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

  /** Each user's sessions, from their daemon, each daemon bounded: one that cannot answer counts as none, and root hears why. */
  private async everyone(log: Log): Promise<{ account: Account; sessions: SessionSummary[] }[]> {
    return Promise.all((await this.accounts()).map(async (account) => {
      const sessions = await this.daemons.call(account, { op: 'list' }, { boundScale: FORWARD_SCALE }).catch((error: Error): SessionSummary[] => {
        const why = `cannot list ${account.name}'s sessions: ${error.message}`;
        logger.warn(why);
        log('warn', why);
        return [];
      });
      return { account, sessions };
    }));
  }

  /** Every user's claims, each checked against the kernel's X locks. */
  private async listAll(log: Log): Promise<Owned[]> {
    const everyone = await this.everyone(log);
    const names = new Map(everyone.map(({ account }) => [account.uid, account.name]));
    const name = (uid: number) => names.get(uid) ?? `uid ${uid}`;
    const kernel = new Map<number, Promise<KernelOwner>>();
    const owned = await Promise.all(everyone.flatMap(({ account, sessions }) => sessions.map(async (s) => {
      if (!kernel.has(s.display)) kernel.set(s.display, kernelOwner(s.display));
      const conflict = claimConflict(s, account.uid, await kernel.get(s.display)!, name);
      return { ...s, user: account.name, ...(conflict === null ? {} : { conflict }) };
    })));
    return owned.sort((a, b) => a.display - b.display || a.user.localeCompare(b.user));
  }

  /**
   * Whose daemon answers for a display: the kernel's owner of its X lock;
   * with no lock (a failed or stopped desktop, only a record), the one
   * daemon that has it, and a conflict if several claim it.
   */
  private async owner(display: number, log: Log): Promise<{ account: Account; kernel: KernelOwner }> {
    const kernel = await kernelOwner(display);
    if (kernel.kind === 'unclear') throw new TsvncError('DISPLAY_BUSY', `who holds :${display} is unclear: ${kernel.why}`, 'tsvnc doctor explains it');
    if (kernel.kind === 'user') {
      const account = (await this.accounts()).find((a) => a.uid === kernel.uid);
      if (account === undefined) throw new TsvncError('NOT_A_SESSION', `:${display} is held by uid ${kernel.uid} (pid ${kernel.pid}), not by a desktop of the tsvnc system daemon`, `its owner manages it; tsvnc doctor shows what it is`);
      return { account, kernel };
    }
    const claims = (await this.everyone(log)).filter(({ sessions }) => sessions.some((s) => s.display === display));
    const [first, ...more] = claims;
    if (first === undefined) throw new TsvncError('NOT_A_SESSION', `:${display} is not a tsvnc session of any user`, 'tsvnc list --all shows them');
    if (more.length > 0) {
      throw new TsvncError('DISPLAY_BUSY', `:${display} has no X server, and the daemons of ${claims.map((c) => c.account.name).join(' and ')} each claim it`, 'ask its users; tsvnc list --all shows the claims');
    }
    return { account: first.account, kernel };
  }
}

function displaysOf(entries: SessionEntry[], user: string): string {
  return entries.filter((e) => e.user === user).map((e) => `:${e.display}`).join(', ');
}
