/** `darlings cache list|prune`: wiring over scanCache and planPrune; prints tables. */
import { ScenarioError } from '../errors.ts';
import { scanCache, type CacheEntry } from './entries.ts';
import { executePrune, formatAge, formatBytes, parseAge, planPrune } from './prune.ts';

type Write = (line: string) => void;

function madeBy(e: CacheEntry): string {
  const m = e.meta;
  if (!m) return 'unknown';
  return [m.scenario ?? 'unknown', m.stage && `@${m.stage}`, m.guest && ` (${m.guest}${m.kernel ? `/${m.kernel}` : ''})`].filter(Boolean).join('');
}

function table(rows: string[][], write: Write): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) write(r.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export async function cacheListCommand(cacheDir: string, o: { json?: boolean; write: Write; now?: number }): Promise<number> {
  const entries = await scanCache(cacheDir);
  const now = o.now ?? Date.now();
  if (o.json) {
    o.write(JSON.stringify(entries.map((e) => ({ kind: e.kind, folder: e.folder, key: e.key, dir: e.dir, sizeBytes: e.sizeBytes, createdAt: e.createdAt.toISOString(), ageMs: now - e.createdAt.getTime(), madeBy: e.meta ?? null, inUse: e.holders.map((h) => h.pid) })), null, 2));
    return 0;
  }
  o.write(`cache: ${cacheDir}`);
  if (!entries.length) {
    o.write('(empty)');
    return 0;
  }
  const rows = [['KIND', 'KEY', 'SIZE', 'AGE', 'MADE BY', 'IN USE']];
  for (const e of entries) rows.push([e.kind, `${e.folder}/${e.key}`, formatBytes(e.sizeBytes), formatAge(now - e.createdAt.getTime()), madeBy(e), e.holders.map((h) => `pid ${h.pid}`).join(', ') || '-']);
  table(rows, o.write);
  o.write(`${entries.length} entries, ${formatBytes(entries.reduce((n, e) => n + e.sizeBytes, 0))}`);
  return 0;
}

export async function cachePruneCommand(cacheDir: string, o: { olderThan?: string; keep?: number; dryRun?: boolean; write: Write; now?: number }): Promise<number> {
  if (o.olderThan === undefined && o.keep === undefined) throw new ScenarioError('Expected `--older-than` or `--keep` (or both): prune removes nothing without a rule');
  if (o.keep !== undefined && (!Number.isInteger(o.keep) || o.keep < 0)) throw new ScenarioError(`Expected \`--keep\` to be a whole number, got \`${o.keep}\``);
  let olderThanMs: number | undefined;
  try {
    olderThanMs = o.olderThan === undefined ? undefined : parseAge(o.olderThan);
  } catch (e) {
    throw new ScenarioError((e as Error).message);
  }
  const now = o.now ?? Date.now();
  const plan = planPrune(await scanCache(cacheDir), { now, ...(olderThanMs !== undefined && { olderThanMs }), ...(o.keep !== undefined && { keep: o.keep }) });
  const result = o.dryRun ? plan : await executePrune(cacheDir, plan);
  o.write(`cache: ${cacheDir}${o.dryRun ? ' (dry run: nothing is removed)' : ''}`);
  if (!result.length) {
    o.write('(empty)');
    return 0;
  }
  const verb = o.dryRun ? 'would remove' : 'removed';
  const rows = [['ACTION', 'KEY', 'SIZE', 'AGE', 'WHY']];
  for (const d of result) rows.push([d.remove ? verb : 'keep', `${d.entry.folder}/${d.entry.key}`, formatBytes(d.entry.sizeBytes), formatAge(now - d.entry.createdAt.getTime()), d.reason]);
  table(rows, o.write);
  const gone = result.filter((d) => d.remove);
  o.write(`${verb} ${gone.length} of ${result.length} entries, ${formatBytes(gone.reduce((n, d) => n + d.entry.sizeBytes, 0))}`);
  return 0;
}
