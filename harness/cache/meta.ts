/**
 * A small file inside each cache entry saying what made it, so `darlings cache list` can say
 * which scenario a 135 MB checkpoint belongs to. Entries saved before this existed have none
 * and are listed as "unknown".
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const META_FILE = 'darlings-meta.json';

export interface EntryMeta {
  kind: 'image' | 'checkpoint';
  /** The scenario whose run saved it (a checkpoint's base; the run that built an image). */
  scenario?: string;
  /** checkpoint: installed | first-boot. */
  stage?: string;
  guest?: string;
  kernel?: string;
  /** ISO 8601. */
  createdAt: string;
}

/** Written when the entry is saved (into the build folder, so it lands with the entry). */
export async function writeMeta(dir: string, meta: Omit<EntryMeta, 'createdAt'> & { createdAt?: string }, now = new Date()): Promise<void> {
  const full: EntryMeta = { ...meta, createdAt: meta.createdAt ?? now.toISOString() };
  await writeFile(join(dir, META_FILE), `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600 });
}

/** The entry's meta, or undefined when it has none or it is unreadable. */
export async function readMeta(dir: string): Promise<EntryMeta | undefined> {
  try {
    const m = JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as EntryMeta;
    return typeof m.createdAt === 'string' && !Number.isNaN(Date.parse(m.createdAt)) ? m : undefined;
  } catch {
    return undefined;
  }
}
