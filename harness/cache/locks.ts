/**
 * Use-locks on cache entries: a run holds one on each entry it reads (its image, the checkpoint it
 * boots overlays on) for as long as it runs, and `cache prune` never removes a held entry.
 *
 * A lock is a file `<cache>/.in-use/<folder>/<key>/<pid>-<start time>`. It is held while that
 * process lives: a crashed run's lock names a dead pid (or a pid reused by a process that started
 * later, hence the start time from /proc) and is ignored and cleaned, so it never blocks forever.
 * Several runs may hold the same entry; only prune needs it unheld.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCKS_DIR = '.in-use';

export interface EntryRef {
  /** The cache folder: `debian`, `nixos`, `tiny`, `checkpoints`. */
  folder: string;
  key: string;
}

export interface Holder {
  pid: number;
  /** What held it (the command line), for prune's plan. */
  command: string;
  since: string;
}

/** A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or undefined off Linux. */
export async function startTimeOf(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

async function isAlive(pid: number, start: string): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: alive, someone else's.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = await startTimeOf(pid);
  return now === undefined || start === '' || now === start;
}

function lockDir(cacheDir: string, e: EntryRef): string {
  return join(cacheDir, LOCKS_DIR, e.folder, e.key);
}

/**
 * Holds the entries until `release()` (call it in the run's teardown).
 *
 * @example
 * const lock = await holdEntries(cacheDir, [{ folder: 'checkpoints', key }]);
 * try { … boot overlays on it … } finally { await lock.release(); }
 */
export async function holdEntries(cacheDir: string, entries: EntryRef[], pid = process.pid): Promise<{ release(): Promise<void> }> {
  const start = (await startTimeOf(pid)) ?? '';
  const files: string[] = [];
  for (const e of entries) {
    const dir = lockDir(cacheDir, e);
    const file = join(dir, `${pid}-${start}`);
    const holder: Holder = { pid, command: process.argv.slice(1).join(' '), since: new Date().toISOString() };
    // Twice: prune removes a pruned entry's lock folder, and may do so between mkdir and write.
    for (let attempt = 0; ; attempt++) {
      await mkdir(dir, { recursive: true });
      try {
        await writeFile(file, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
        break;
      } catch (error) {
        if (attempt > 0 || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    files.push(file);
  }
  return {
    async release() {
      for (const f of files) await rm(f, { force: true });
    },
  };
}

/** The live holders of an entry; locks of dead processes are removed on the way. */
export async function holdersOf(cacheDir: string, e: EntryRef): Promise<Holder[]> {
  const dir = lockDir(cacheDir, e);
  const names = await readdir(dir).catch(() => [] as string[]);
  const live: Holder[] = [];
  for (const name of names) {
    const m = /^(\d+)-(\d*)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (await isAlive(pid, m[2]!)) {
      const h = await readFile(join(dir, name), 'utf8').then((t) => JSON.parse(t) as Holder).catch(() => undefined);
      live.push(h ?? { pid, command: 'unknown', since: '' });
    } else await rm(join(dir, name), { force: true });
  }
  return live;
}

/** An image build or checkpoint save in progress: cachedBuild's `<entry>.lock` folder with a live pid. */
export async function buildInProgress(entryDir: string): Promise<number | undefined> {
  const pid = Number(await readFile(join(`${entryDir}.lock`, 'pid'), 'utf8').catch(() => '0'));
  if (!pid) return undefined;
  return (await isAlive(pid, '')) ? pid : undefined;
}
