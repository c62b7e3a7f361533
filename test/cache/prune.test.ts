/**
 * `darlings cache prune` on a fixture cache: ages, use-locks (live, dead, a reused pid), keep-N
 * per group, dry runs, and entries without a meta file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { access, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { writeMeta } from '../../harness/cache/meta.ts';
import { holdEntries, LOCKS_DIR } from '../../harness/cache/locks.ts';
import { scanCache } from '../../harness/cache/entries.ts';
import { executePrune, parseAge, planPrune } from '../../harness/cache/prune.ts';
import { cacheListCommand, cachePruneCommand } from '../../harness/cache/commands.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-01T09:00:00Z');
let cache: string;

async function entry(folder: string, key: string, ageDays: number | null, extra: Record<string, string> = {}): Promise<string> {
  const dir = join(cache, folder, key);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'nvme0.qcow2'), Buffer.alloc(64 * 1024, 1));
  if (ageDays !== null) {
    const kind = folder === 'checkpoints' ? 'checkpoint' : 'image';
    await writeMeta(dir, { kind, createdAt: new Date(NOW - ageDays * DAY).toISOString(), guest: 'debian', kernel: 'bookworm', ...extra });
  }
  return dir;
}

const exists = (p: string) => access(p).then(() => true, () => false);
const ck = (scenario: string, stage: string, n: number) => `${scenario}-${stage}-${n.toString(16).padStart(16, '0')}`;

beforeEach(async () => {
  cache = await mkdtemp(join(tmpdir(), 'darlings-cache-test-'));
});
afterEach(async () => {
  await rm(cache, { recursive: true, force: true });
});

describe('cache prune', () => {
  it('--older-than removes what is older and keeps what is younger', async () => {
    const old = await entry('checkpoints', ck('blog-xps13', 'installed', 1), 10, { scenario: 'blog-xps13', stage: 'installed' });
    const young = await entry('checkpoints', ck('blog-xps13', 'installed', 2), 2, { scenario: 'blog-xps13', stage: 'installed' });
    const img = await entry('debian', 'a9839e5cee05ee57', 8);
    const plan = await executePrune(cache, planPrune(await scanCache(cache), { now: NOW, olderThanMs: parseAge('7d') }));
    expect(plan.filter((d) => d.remove).map((d) => d.entry.dir).sort()).toEqual([old, img].sort());
    expect(await exists(old)).toBe(false);
    expect(await exists(img)).toBe(false);
    expect(await exists(young)).toBe(true);
  });

  it('never removes an entry a live process holds, however old', async () => {
    const key = ck('blog-xps13', 'first-boot', 1);
    const held = await entry('checkpoints', key, 30, { scenario: 'blog-xps13', stage: 'first-boot' });
    const lock = await holdEntries(cache, [{ folder: 'checkpoints', key }]);
    const planned = planPrune(await scanCache(cache), { now: NOW, olderThanMs: DAY, keep: 0 });
    expect(planned[0]).toMatchObject({ remove: false, reason: expect.stringMatching(new RegExp(`^in use by pid ${process.pid} \\(would go: older than`)) });
    await executePrune(cache, planned);
    expect(await exists(held)).toBe(true);
    await lock.release();
    await executePrune(cache, planPrune(await scanCache(cache), { now: NOW, olderThanMs: DAY }));
    expect(await exists(held)).toBe(false);
  });

  it('a crashed run\'s lock does not block: its pid is dead, or reused by a later process', async () => {
    const dead = await execa('sh', ['-c', 'echo $$']);
    const deadPid = Number(dead.stdout.trim());
    const a = ck('blog-xps13', 'installed', 1);
    const b = ck('blog-xps13', 'installed', 2);
    await entry('checkpoints', a, 10);
    await entry('checkpoints', b, 10);
    await holdEntries(cache, [{ folder: 'checkpoints', key: a }], deadPid);
    // This process's pid with another start time: the pid was reused after the holder died.
    await mkdir(join(cache, LOCKS_DIR, 'checkpoints', b), { recursive: true });
    await writeFile(join(cache, LOCKS_DIR, 'checkpoints', b, `${process.pid}-1`), '{}');
    const entries = await scanCache(cache);
    expect(entries.map((e) => e.holders)).toEqual([[], []]);
    const plan = await executePrune(cache, planPrune(entries, { now: NOW, olderThanMs: DAY }));
    expect(plan.every((d) => d.remove)).toBe(true);
  });

  it('an entry being built or saved (a live <key>.lock) is in use; build folders are no entries', async () => {
    const dir = await entry('debian', '0123456789abcdef', 20);
    await mkdir(`${dir}.lock`);
    await writeFile(join(`${dir}.lock`, 'pid'), String(process.pid));
    await mkdir(join(cache, 'debian', `fedcba9876543210.tmp-${process.pid}`));
    const entries = await scanCache(cache);
    expect(entries.map((e) => e.key)).toEqual(['0123456789abcdef']);
    expect(planPrune(entries, { now: NOW, olderThanMs: DAY })[0]).toMatchObject({ remove: false });
  });

  it('--keep N keeps the N newest of each image guest and each checkpoint scenario@stage', async () => {
    for (const [n, age] of [[1, 5], [2, 1], [3, 3]] as const) await entry('checkpoints', ck('blog-xps13', 'installed', n), age, { scenario: 'blog-xps13', stage: 'installed' });
    for (const [n, age] of [[4, 9], [5, 8]] as const) await entry('checkpoints', ck('blog-xps13', 'first-boot', n), age, { scenario: 'blog-xps13', stage: 'first-boot' });
    await entry('debian', '1111111111111111', 40);
    await entry('tiny', '2222222222222222', 40);
    const plan = planPrune(await scanCache(cache), { now: NOW, keep: 1 });
    const kept = plan.filter((d) => !d.remove).map((d) => d.entry.key).sort();
    expect(kept).toEqual([ck('blog-xps13', 'installed', 2), ck('blog-xps13', 'first-boot', 5), '1111111111111111', '2222222222222222'].sort());
    // With both rules an entry goes when either says so.
    const both = planPrune(await scanCache(cache), { now: NOW, keep: 2, olderThanMs: 4 * DAY });
    expect(both.filter((d) => !d.remove).map((d) => d.entry.key).sort()).toEqual([ck('blog-xps13', 'installed', 2), ck('blog-xps13', 'installed', 3)].sort());
  });

  it('a lock taken after the plan was made keeps the entry (it is put back)', async () => {
    const key = ck('blog-xps13', 'installed', 7);
    const dir = await entry('checkpoints', key, 10);
    const plan = planPrune(await scanCache(cache), { now: NOW, olderThanMs: DAY });
    expect(plan[0]!.remove).toBe(true);
    const lock = await holdEntries(cache, [{ folder: 'checkpoints', key }]);
    const done = await executePrune(cache, plan);
    expect(done[0]).toMatchObject({ remove: false, reason: expect.stringMatching(/taken while pruning/) });
    expect(await exists(join(dir, 'nvme0.qcow2'))).toBe(true);
    await lock.release();
  });

  it('--dry-run prints the plan and removes nothing; entries without meta say unknown, aged by mtime', async () => {
    const dir = await entry('checkpoints', ck('old-scenario', 'installed', 1), null);
    await utimes(dir, new Date(NOW - 20 * DAY), new Date(NOW - 20 * DAY));
    const lines: string[] = [];
    await cachePruneCommand(cache, { olderThan: '7d', dryRun: true, write: (l) => lines.push(l), now: NOW });
    expect(lines.join('\n')).toMatch(/would remove\s+checkpoints\/old-scenario-installed-0+1\s+\S+ \S+\s+20d\s+older than 7d/);
    expect(lines.at(-1)).toMatch(/would remove 1 of 1 entries/);
    expect(await exists(dir)).toBe(true);
    const list: string[] = [];
    await cacheListCommand(cache, { write: (l) => list.push(l), now: NOW });
    expect(list.join('\n')).toMatch(/checkpoint\s+checkpoints\/old-scenario-installed-0+1\s+.*20d\s+unknown/);
  });

  it('bad rules are usage errors', async () => {
    await expect(cachePruneCommand(cache, { write: () => {} })).rejects.toThrow(/--older-than` or `--keep/);
    await expect(cachePruneCommand(cache, { olderThan: '7 days', write: () => {} })).rejects.toThrow(/got `7 days`/);
  });
});
