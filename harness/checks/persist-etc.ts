/**
 * The /etc entries the blog persists with `environment.etc.<name>.source`: the configuration
 * folder (/etc/nixos, the stand-in's /etc/darlings), adjtime, and NIXOS where the guest has it.
 * Each compares what was there right before the reboot with what is there after it.
 */
import { shQuote } from '../util/shell.ts';
import { fail, lookAll, pass, readFiles, skip, some, type Check, type CheckContext, type Looked, type SeenFile } from './check.ts';

/** `sha256sum` lines -> path -> hash (paths relative to the listed folder). */
export function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2]!.replace(/^\.\//, ''), m[1]!);
  }
  return sums;
}

export interface ConfigSeen {
  dir: string;
  /** `sha256sum` of every file under dir, links followed (the stand-in's /etc is links). */
  sums: Looked;
}

async function seeConfig(ctx: CheckContext): Promise<ConfigSeen> {
  const dir = ctx.guest.configDir;
  const r = await lookAll(ctx, { sums: `cd ${shQuote(dir)} && find -L . -type f -exec sha256sum {} + | sort -k2` });
  return { dir, sums: r.sums };
}

export const persistConfig: Check<ConfigSeen, ConfigSeen> = {
  id: 'persist.config',
  holds: 'the configuration folder (/etc/nixos, the stand-in\'s /etc/darlings) has the same files and contents after the reboot',
  before: seeConfig,
  gather: seeConfig,
  judge(now, { before }) {
    const was = before?.sums.status === 0 ? parseSums(before.sums.out) : new Map<string, string>();
    if (!before || !was.size) return fail(`nothing was recorded in ${now.dir} before the reboot${before ? ` (${before.sums.out.trim() || 'no files'})` : ''}`);
    if (now.sums.status !== 0) return fail(`${now.dir} cannot be read after the reboot: ${now.sums.out.trim()}`);
    const is = parseSums(now.sums.out);
    const lost = [...was.keys()].filter((p) => !is.has(p));
    const changed = [...was.keys()].filter((p) => is.has(p) && is.get(p) !== was.get(p));
    const added = [...is.keys()].filter((p) => !was.has(p));
    const bad = [lost.length && `lost: ${some(lost)}`, changed.length && `changed: ${some(changed)}`, added.length && `new: ${some(added)}`].filter(Boolean);
    return bad.length ? fail(`${now.dir} after the reboot: ${bad.join('; ')}`) : pass(`${now.dir}: ${was.size} file(s), same contents (${some([...was.keys()], 5)})`);
  },
  see: () => ['find -L /etc/nixos -type f -exec sha256sum {} +   # the stand-in: /etc/darlings'],
};

const adjtimeFile = async (ctx: CheckContext) => (await readFiles(ctx, ['/etc/adjtime']))['/etc/adjtime']!;

export const persistAdjtime: Check<SeenFile, SeenFile> = {
  id: 'persist.adjtime',
  holds: '/etc/adjtime is the same before and after the reboot',
  before: adjtimeFile,
  gather: adjtimeFile,
  judge(now, { before }) {
    const dangling = (f?: SeenFile) => (f && !f.exists && f.danglingLink ? ` (a dangling link to ${f.danglingLink})` : '');
    if (!before?.exists) return fail(`/etc/adjtime did not exist before the reboot${dangling(before)}, so nothing shows it persists`);
    if (!now.exists) return fail(`/etc/adjtime is gone after the reboot${dangling(now)}`);
    return now.text === before.text ? pass(`/etc/adjtime unchanged (${before.text.trim().split('\n').join(' / ')})`) : fail(`/etc/adjtime changed: was "${before.text.trim()}", is "${now.text.trim()}"`);
  },
  see: () => ['cat /etc/adjtime'],
};

/** /etc/NIXOS, or why this guest has none. */
export type MarkerSeen = { applicable: false; reason: string } | { applicable: true; file: SeenFile };

async function seeMarker(ctx: CheckContext): Promise<MarkerSeen> {
  if (ctx.guest.etcEntry('NIXOS') === null) return { applicable: false, reason: `the ${ctx.guest.name} guest has no /etc/NIXOS (it is not NixOS), so there is nothing to persist` };
  return { applicable: true, file: (await readFiles(ctx, ['/etc/NIXOS']))['/etc/NIXOS']! };
}

export const persistNixosMarker: Check<MarkerSeen, MarkerSeen> = {
  id: 'persist.nixos-marker',
  holds: '/etc/NIXOS is there before and after the reboot, where the guest has it',
  before: seeMarker,
  gather: seeMarker,
  judge(now, { before }) {
    if (!now.applicable) return skip(`not applicable: ${now.reason}`);
    if (!before?.applicable || !before.file.exists) return fail('/etc/NIXOS did not exist before the reboot');
    if (!now.file.exists) return fail('/etc/NIXOS is gone after the reboot');
    return now.file.text === before.file.text ? pass('/etc/NIXOS is there, unchanged') : fail('/etc/NIXOS changed across the reboot');
  },
  see: () => ['ls -l /etc/NIXOS'],
};
