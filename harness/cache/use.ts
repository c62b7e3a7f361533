/** What the runner calls: hold the entries a run reads, and label an image it built. */
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { holdEntries, type EntryRef } from './locks.ts';
import { readMeta, writeMeta, type EntryMeta } from './meta.ts';

/** The cache entry a file lives in (`<cache>/debian/<key>/installer.iso`), or undefined outside the cache (nixos: the store). */
export function entryOf(cacheDir: string, file: string): EntryRef | undefined {
  const rel = relative(cacheDir, dirname(file));
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  const [folder, key, ...rest] = rel.split(sep);
  return folder && key && !rest.length ? { folder, key } : undefined;
}

/**
 * Holds the image's entry for the run; when this run built it (`facts.cached` is `no`), says so in
 * its meta file. Returns the release for the run's teardown.
 */
export async function holdImage(cacheDir: string, image: { iso: string; facts: Record<string, string | number> }, made: Omit<EntryMeta, 'kind' | 'createdAt'>): Promise<() => Promise<void>> {
  const entry = entryOf(cacheDir, image.iso);
  if (!entry) return async () => {};
  const lock = await holdEntries(cacheDir, [entry]);
  const dir = dirname(image.iso);
  if (image.facts.cached === 'no' && !(await readMeta(dir))) await writeMeta(dir, { kind: 'image', ...made });
  return () => lock.release();
}

/** Holds a checkpoint the run boots overlays on (taken before looking whether it exists). */
export async function holdCheckpoint(cacheDir: string, key: string): Promise<() => Promise<void>> {
  const lock = await holdEntries(cacheDir, [{ folder: 'checkpoints', key }]);
  return () => lock.release();
}
