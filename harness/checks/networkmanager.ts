/**
 * NetworkManager's state, which the blog persists: the connections (an environment.etc folder),
 * secret_key, seen-bssids and timestamps (tmpfiles L rules into /persist). Nothing recorded
 * before the reboot is a failure: a check that has nothing to compare shows nothing.
 */
import { shQuote } from '../util/shell.ts';
import { persistPairs } from '../procedure/persist-pairs.ts';
import { fail, lookAll, pass, skip, some, type Check, type CheckContext, type JudgePlan, type Looked } from './check.ts';
import { parseSums } from './persist-etc.ts';

const CONNECTIONS = '/etc/NetworkManager/system-connections';
const SECRET_KEY = '/var/lib/NetworkManager/secret_key';

export interface NmSeen {
  /** sha256sum of each connection file (the trailing / follows the persisted folder's link). */
  connections: Looked;
  secretKey: Looked;
}

const seeNm = (ctx: CheckContext): Promise<NmSeen> =>
  lookAll(ctx, {
    connections: `find ${CONNECTIONS}/ -maxdepth 1 -type f -exec sha256sum {} + | sort -k2`,
    secretKey: `sha256sum < ${SECRET_KEY}`,
  });

const keyOf = (l: Looked): string | undefined => (l.status === 0 ? /^[0-9a-f]{64}/.exec(l.out.trim())?.[0] : undefined);
const names = (l: Looked): Map<string, string> => new Map([...parseSums(l.out)].map(([p, h]) => [p.replace(/.*\//, ''), h]));

export const networkManager: Check<NmSeen, NmSeen> = {
  id: 'persist.networkmanager',
  holds: "NetworkManager's connections and secret_key survived",
  before: seeNm,
  gather: seeNm,
  judge(now, { before }) {
    const was = before ? names(before.connections) : new Map<string, string>();
    const wasKey = before && keyOf(before.secretKey);
    const problems: string[] = [];
    if (!was.size) problems.push(`no NetworkManager connection was recorded before the reboot (${CONNECTIONS} was empty or unreadable), so nothing shows they persist`);
    if (!wasKey) problems.push(`${SECRET_KEY} did not exist before the reboot`);
    if (problems.length) return fail(problems.join('; '));
    const is = names(now.connections);
    const lost = [...was.keys()].filter((c) => !is.has(c));
    const changed = [...was.keys()].filter((c) => is.has(c) && is.get(c) !== was.get(c));
    if (lost.length) problems.push(`connections lost: ${lost.join(', ')}`);
    if (changed.length) problems.push(`connections changed: ${changed.join(', ')}`);
    const key = keyOf(now.secretKey);
    if (key !== wasKey) problems.push(key ? 'secret_key changed (a new one was generated)' : 'secret_key is missing');
    return problems.length ? fail(problems.join('; ')) : pass(`connections ${[...was.keys()].join(', ')} unchanged; secret_key unchanged`);
  },
  see: () => [`sudo ls -l ${CONNECTIONS}/`, `sudo sha256sum ${SECRET_KEY}`],
};

/** A keyfile (NetworkManager's ini syntax) -> "section/key" -> value. */
export function parseKeyfile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const s = /^\[(.*)\]$/.exec(line);
    if (s) section = s[1]!;
    else if (line.includes('=')) out.set(`${section}/${line.slice(0, line.indexOf('='))}`, line.slice(line.indexOf('=') + 1));
  }
  return out;
}

/**
 * Entries of `before` that `after` does not keep: a key gone, a number gone down (timestamps only
 * grow), a `;` list that lost items (seen-bssids only gains), or another value. `only` limits the
 * comparison to some keys.
 */
export function lostEntries(before: string, after: string, only: (key: string) => boolean = () => true): string[] {
  const a = parseKeyfile(after);
  const lost: string[] = [];
  for (const [k, v] of parseKeyfile(before)) {
    if (!only(k)) continue;
    const w = a.get(k);
    if (w === undefined) lost.push(`${k} is gone`);
    else if (/^\d+$/.test(v) && /^\d+$/.test(w)) {
      if (Number(w) < Number(v)) lost.push(`${k} went back from ${v} to ${w}`);
    } else if (v.includes(';')) {
      const items = new Set(w.split(';').filter(Boolean));
      const missing = v.split(';').filter((x) => x && !items.has(x));
      if (missing.length) lost.push(`${k} lost ${missing.join(';')}`);
    } else if (v !== w) lost.push(`${k} was ${v}, is ${w}`);
  }
  return lost;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** The connection an entry is about ("timestamps/<uuid>", or a section named by the UUID). */
const uuidOf = (key: string): string | undefined => UUID.exec(key)?.[0]?.toLowerCase();
/** The UUIDs of the saved connections (`uuid=` lines of their keyfiles). */
const savedUuids = (l: Looked | undefined): Set<string> =>
  new Set(l?.status === 0 ? [...l.out.matchAll(/^uuid=(\S+)/gm)].map((m) => m[1]!.toLowerCase()) : []);

/** One NetworkManager state file: where it lives, whether it is the L rule's link, its text. */
export interface NmFileSeen {
  path: string;
  /** Where the file is kept, when an L rule persists it (the file itself, or a folder holding it). */
  kept?: string;
  /** The L rule's own path: the file, or its folder when the rule links the whole folder. */
  linkPath?: string;
  /** The L rule's target (where linkPath must point). */
  linkTarget?: string;
  /** `readlink` of linkPath (empty when it is not a link). */
  link: Looked;
  live: Looked;
  /** The persisted copy (what the next boot's link finds). */
  keptText?: Looked;
  /** The Wi-Fi devices (/sys/class/ieee80211): NetworkManager writes seen-bssids only for Wi-Fi. */
  wifi?: Looked;
  /** The saved connections' `uuid=` lines: NetworkManager drops the entries of any other. */
  saved?: Looked;
}

/** The L rule that persists `path`: one for the file itself, or for a folder above it. */
function linkOf(plan: Pick<JudgePlan, 'persist'>, path: string): { linkPath: string; linkTarget: string; kept: string } | undefined {
  const pair = persistPairs(plan.persist).find((p) => p.via === 'tmpfiles' && (p.live === path || path.startsWith(`${p.live}/`)));
  return pair && { linkPath: pair.live, linkTarget: pair.kept, kept: `${pair.kept}${path.slice(pair.live.length)}` };
}

async function seeNmFile(ctx: CheckContext, path: string): Promise<NmFileSeen> {
  const l = linkOf(ctx.plan, path);
  const r = await lookAll(ctx, {
    link: `readlink ${shQuote(l?.linkPath ?? path)} || true`,
    live: `cat ${shQuote(path)}`,
    keptText: l ? `cat ${shQuote(l.kept)}` : 'true',
    wifi: 'ls /sys/class/ieee80211 2>/dev/null || true',
    saved: `grep -h '^uuid=' ${CONNECTIONS}/* || true`,
  });
  return { path, ...(l && { ...l, keptText: r.keptText }), link: r.link, live: r.live, wifi: r.wifi, saved: r.saved };
}

/**
 * A NetworkManager file the blog persists with an L rule: what NetworkManager knew right before
 * the reboot about the saved connections must be in the copy that survives it, and after the
 * reboot the live path must still be the link (NetworkManager replaces some files by rename, which
 * drops the link, and what it writes from then on is lost at the next reboot). Entries of
 * connections NetworkManager made itself (in memory, a new UUID each boot) it drops once they are
 * gone: they prove nothing either way. An entry of a connection activated again after the reboot
 * is rewritten then, so only one that is not (joined once, out of reach) shows the copy kept it.
 */
function nmFileCheck(id: string, path: string): Check<NmFileSeen, NmFileSeen> {
  const file = path.replace(/.*\//, '');
  return {
    id,
    holds: `what NetworkManager kept in ${path} about the saved connections before the reboot is there after it, through the L rule's link`,
    before: (ctx) => seeNmFile(ctx, path),
    gather: (ctx) => seeNmFile(ctx, path),
    judge(now, { before }) {
      // Without Wi-Fi, NetworkManager never writes seen-bssids: the property cannot be seen here.
      if (file === 'seen-bssids' && before && before.live.status !== 0 && before.wifi && !before.wifi.out.trim())
        return skip(`not observable here: this machine has no Wi-Fi device (/sys/class/ieee80211 is empty), and NetworkManager writes ${path} only for Wi-Fi networks`);
      if (!before || before.live.status !== 0) return fail(`${path} did not exist before the reboot (${before?.live.out.trim() || 'not recorded'}), so nothing shows it persists${file === 'seen-bssids' ? ' (NetworkManager writes it for Wi-Fi networks)' : ''}`);
      const entries = [...parseKeyfile(before.live.out).keys()];
      const saved = savedUuids(before.saved);
      const ofSaved = (k: string) => saved.has(uuidOf(k) ?? '');
      if (!entries.some(ofSaved))
        return fail(`${path} had no entry for a saved connection before the reboot (${entries.length} for connections NetworkManager made itself, which it drops once they are gone; saved: ${[...saved].join(', ') || 'none recorded'}), so nothing shows it persists`);
      const survived = now.kept ? now.keptText : now.live;
      const where = now.kept ?? path;
      if (!survived || survived.status !== 0) return fail(`${where} is missing after the reboot: ${survived?.out.trim() ?? ''}`);
      const lost = lostEntries(before.live.out, survived.out, ofSaved);
      const problems: string[] = [];
      if (lost.length) problems.push(`${where} lost what NetworkManager had before the reboot: ${some(lost, 4)}`);
      const linkPath = now.linkPath ?? path;
      const target = now.linkTarget ?? now.kept;
      if (target && now.link.out.trim() !== target) problems.push(`after the reboot ${linkPath} is ${now.link.out.trim() ? `a link to ${now.link.out.trim()}` : 'not a link'}, not the link to ${target}: NetworkManager replaced it, so what it writes now is lost at the next reboot`);
      if (!now.kept) problems.push(`the plan has no L rule for ${path} or a folder above it`);
      const dropped = entries.filter((k) => !ofSaved(k)).length;
      return problems.length
        ? fail(problems.join('; '))
        : pass(`${file}: ${entries.filter(ofSaved).length} entr(ies) of saved connections kept in ${where}${dropped ? ` (${dropped} of connections NetworkManager made itself not compared)` : ''}, ${linkPath} still links to ${target}`);
    },
    see: (plan) => [`ls -l ${linkOf(plan, path)?.linkPath ?? path}`, `sudo cat ${linkOf(plan, path)?.kept ?? path}`],
  };
}

export const nmSeenBssids = nmFileCheck('persist.nm-seen-bssids', '/var/lib/NetworkManager/seen-bssids');
export const nmTimestamps = nmFileCheck('persist.nm-timestamps', '/var/lib/NetworkManager/timestamps');
