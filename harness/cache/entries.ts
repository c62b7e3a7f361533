/**
 * What is in the cache: image entries (`debian/`, `nixos/`, `tiny/`) and checkpoints, each with
 * its key, size on disk, age, what made it, and whether something uses it now.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readMeta, type EntryMeta } from './meta.ts';
import { buildInProgress, holdersOf, type Holder } from './locks.ts';

/** Cache folders holding images, one per guest (and the harness's own tiny guest). */
export const IMAGE_FOLDERS = ['debian', 'nixos', 'tiny'];
export const CHECKPOINT_FOLDER = 'checkpoints';

export interface CacheEntry {
  kind: 'image' | 'checkpoint';
  folder: string;
  key: string;
  dir: string;
  /** Bytes on disk (allocated blocks: a sparse disk counts what it holds). */
  sizeBytes: number;
  /** From the meta file, else the folder's mtime. */
  createdAt: Date;
  meta?: EntryMeta;
  /** Live processes holding a use-lock on it, or building it. */
  holders: Holder[];
  /** Prune groups by this: keep-N is per image guest and per checkpoint scenario@stage. */
  group: string;
}

/** `blog-xps13-first-boot-0123456789abcdef` → scenario and stage, whether or not it has a meta file. */
export function parseCheckpointKey(key: string): { scenario: string; stage: string } | undefined {
  const m = /^(.+)-(installed|first-boot)-[0-9a-f]{16}$/.exec(key);
  return m ? { scenario: m[1]!, stage: m[2]! } : undefined;
}

export function groupOf(kind: CacheEntry['kind'], folder: string, key: string, meta?: EntryMeta): string {
  if (kind === 'image') return `${folder} image`;
  const p = parseCheckpointKey(key);
  const scenario = meta?.scenario ?? p?.scenario ?? 'unknown';
  const stage = meta?.stage ?? p?.stage ?? 'unknown';
  return `checkpoint ${scenario}@${stage}`;
}

async function diskUsage(path: string): Promise<number> {
  const s = await lstat(path);
  if (!s.isDirectory()) return s.blocks * 512;
  let total = s.blocks * 512;
  for (const name of await readdir(path)) total += await diskUsage(join(path, name)).catch(() => 0);
  return total;
}

/** A folder that is no entry: a build in progress (`.tmp-PID`), its lock, a prune half-done. */
export function isEntryName(name: string): boolean {
  return !name.startsWith('.') && !/\.(tmp-\d+|lock|pruning-\d+)$/.test(name) && !name.includes('.tmp-');
}

export async function scanCache(cacheDir: string): Promise<CacheEntry[]> {
  const out: CacheEntry[] = [];
  const folders: [CacheEntry['kind'], string][] = [...IMAGE_FOLDERS.map((f) => ['image', f] as [CacheEntry['kind'], string]), ['checkpoint', CHECKPOINT_FOLDER]];
  for (const [kind, folder] of folders) {
    const base = join(cacheDir, folder);
    const names = await readdir(base, { withFileTypes: true }).catch(() => []);
    for (const d of names) {
      if (!d.isDirectory() || !isEntryName(d.name)) continue;
      const dir = join(base, d.name);
      const meta = await readMeta(dir);
      const holders = await holdersOf(cacheDir, { folder, key: d.name });
      const builder = await buildInProgress(dir);
      if (builder) holders.push({ pid: builder, command: 'a build or save of this entry', since: '' });
      out.push({
        kind,
        folder,
        key: d.name,
        dir,
        sizeBytes: await diskUsage(dir),
        createdAt: meta ? new Date(meta.createdAt) : (await stat(dir)).mtime,
        ...(meta && { meta }),
        holders,
        group: groupOf(kind, folder, d.name, meta),
      });
    }
  }
  return out;
}
