/**
 * `darlings cache prune`: a pure plan (what goes, what stays and why) from the entries and the
 * options, then its execution. An entry in use is never removed, whatever its age; keep-N keeps
 * the N newest of each group (an image guest, a checkpoint's scenario@stage).
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheEntry } from './entries.ts';
import { holdersOf, LOCKS_DIR } from './locks.ts';

export interface PruneOptions {
  olderThanMs?: number;
  keep?: number;
  now: number;
}

export interface PruneDecision {
  entry: CacheEntry;
  remove: boolean;
  reason: string;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `7d`, `12h`, `30m`, `2w` → ms. */
export function parseAge(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (!m) throw new Error(`Expected \`--older-than\` to be a number with s, m, h, d or w (e.g. 7d), got \`${text}\``);
  return Number(m[1]) * UNITS[m[2]!]!;
}

export function planPrune(entries: CacheEntry[], o: PruneOptions): PruneDecision[] {
  const rank = new Map<CacheEntry, number>();
  const groups = new Map<string, CacheEntry[]>();
  for (const e of entries) groups.set(e.group, [...(groups.get(e.group) ?? []), e]);
  for (const list of groups.values()) {
    list.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    list.forEach((e, i) => rank.set(e, i));
  }
  return entries.map((entry) => {
    const age = o.now - entry.createdAt.getTime();
    const old = o.olderThanMs !== undefined && age > o.olderThanMs;
    const beyondKeep = o.keep !== undefined && rank.get(entry)! >= o.keep;
    const why = [old && `older than ${formatAge(o.olderThanMs!)}`, beyondKeep && `not among the ${o.keep} newest of ${entry.group}`].filter(Boolean).join(', ');
    if (!old && !beyondKeep) return { entry, remove: false, reason: o.keep !== undefined && rank.get(entry)! < o.keep ? `among the ${o.keep} newest of ${entry.group}` : 'young enough' };
    if (entry.holders.length) return { entry, remove: false, reason: `in use by ${entry.holders.map((h) => `pid ${h.pid}`).join(', ')} (would go: ${why})` };
    return { entry, remove: true, reason: why };
  });
}

/**
 * Removes what the plan says. The folder is first renamed aside (atomic), then the locks are read
 * again: a run that took a lock meanwhile gets its entry back. A run that looks while it is aside
 * finds it missing and rebuilds it, as for any missing entry.
 */
export async function executePrune(cacheDir: string, plan: PruneDecision[]): Promise<PruneDecision[]> {
  const done: PruneDecision[] = [];
  for (const d of plan) {
    if (!d.remove) {
      done.push(d);
      continue;
    }
    const aside = `${d.entry.dir}.pruning-${process.pid}`;
    await rename(d.entry.dir, aside);
    const holders = await holdersOf(cacheDir, { folder: d.entry.folder, key: d.entry.key });
    if (holders.length) {
      await rename(aside, d.entry.dir);
      done.push({ ...d, remove: false, reason: `in use by ${holders.map((h) => `pid ${h.pid}`).join(', ')} (taken while pruning)` });
      continue;
    }
    await rm(aside, { recursive: true, force: true });
    await rm(join(cacheDir, LOCKS_DIR, d.entry.folder, d.entry.key), { recursive: true, force: true });
    done.push(d);
  }
  return done;
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(0)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${n} B`;
}

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s}s`;
  if (s < 90 * 60) return `${Math.round(s / 60)}m`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}
