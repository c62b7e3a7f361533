/**
 * What a power cut is proven by: power-cut.mid-write (the writer was seen making progress and
 * still running when the plug was pulled) and power-cut.synced-kept (what was synced before the
 * cut is there after it, byte for byte). Facts from the procedure (power-cut.ts), plus one look.
 */
import type { PowerCutFacts } from '../procedure/context.ts';
import { shQuote } from '../util/shell.ts';
import { fail, pass, type Check, type CheckContext, type CheckOutcome } from './check.ts';

/** @example judgeMidWrite(undefined).status // 'failed' */
export function judgeMidWrite(cut: PowerCutFacts | undefined): CheckOutcome {
  if (!cut) return fail('no power cut was recorded');
  const looks = cut.progress.map((p) => `${p.atMs} ms: ${Object.entries(p.bytes).map(([f, b]) => `${f} ${(b / 1048576).toFixed(1)} MiB`).join(', ')}`);
  const total = (p: PowerCutFacts['progress'][number]) => Object.values(p.bytes).reduce((a, b) => a + b, 0);
  const grew = cut.progress.length >= 2 && total(cut.progress.at(-1)!) > total(cut.progress[0]!);
  if (!cut.inFlight) return fail(`the writer was not running at the last look before the cut (${looks.join('; ')})`);
  if (!cut.progress.length || total(cut.progress.at(-1)!) === 0) return fail(`the writer had written nothing before the cut at ${cut.cutAtMs} ms`);
  return pass(`cut at ${cut.cutAtMs} ms with the writer running${grew ? ' and growing' : ''}: ${looks.join('; ')}`);
}

export interface SyncedGathered {
  /** path -> sha256 now, or null when the file is gone. */
  now: Record<string, string | null>;
}

export async function gatherSynced(ctx: CheckContext): Promise<SyncedGathered> {
  const now: Record<string, string | null> = {};
  for (const f of ctx.facts.powerCut?.synced ?? []) {
    const r = await ctx.shell.run(`sha256sum < ${shQuote(f.path)}`, { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal });
    // A missing file is the finding, not an error of the check.
    now[f.path] = r.exitCode === 0 ? r.stdout.trim().split(/\s+/)[0]! : null;
  }
  return { now };
}

/** @example judgeSynced({ now: { '/persist/x': null } }, { synced: [{ path: '/persist/x', sha256: 'ab' }] }).status // 'failed' */
export function judgeSynced(g: SyncedGathered, cut: Pick<PowerCutFacts, 'synced'> | undefined): CheckOutcome {
  if (!cut?.synced.length) return fail('nothing synced before the cut was recorded');
  const bad = cut.synced.filter((f) => g.now[f.path] !== f.sha256).map((f) => `${f.path} ${g.now[f.path] === null ? 'is gone' : 'changed'}`);
  return bad.length ? fail(`synced before the cut, but after it: ${bad.join('; ')}`) : pass(`synced before the cut and intact after it: ${cut.synced.map((f) => f.path).join(', ')}`);
}

/** The procedure's record of the cut, kept in the gathered state so a recording replays alone. */
export type MidWriteGathered = { powerCut: PowerCutFacts | null };

export const midWrite: Check<MidWriteGathered> = {
  id: 'power-cut.mid-write',
  holds: 'the plug was pulled while the writer was running and had written part of its data',
  gather: (ctx) => Promise.resolve({ powerCut: ctx.facts.powerCut ?? null }),
  judge: (g) => judgeMidWrite(g.powerCut ?? undefined),
  // Nothing to look at afterwards: the writer's progress is recorded before the cut (the power-cut phase).
  see: () => [],
};

export const syncedKept: Check<SyncedGathered & { synced: PowerCutFacts['synced'] }> = {
  id: 'power-cut.synced-kept',
  holds: 'what was synced before the power cut is there after it, byte for byte',
  gather: async (ctx) => ({ ...(await gatherSynced(ctx)), synced: ctx.facts.powerCut?.synced ?? [] }),
  judge: (g) => judgeSynced(g, { synced: g.synced }),
  see: () => ['sha256sum /persist/darlings-synced'],
};
