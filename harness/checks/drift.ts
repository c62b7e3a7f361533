/**
 * state.drift: the blog's fs-diff run as written (or the scenario's own script) with the btrfs
 * top mounted at /mnt; its output is saved as fs-diff.txt and judged against the allowlist.
 */
import { readFileSync } from 'node:fs';
import { fail, pass, type Check } from './check.ts';
import { unexpectedDrift } from './parse.ts';

export const FS_DIFF_SCRIPT = readFileSync(new URL('../procedure/scripts/fs-diff.sh', import.meta.url), 'utf8');

export const stateDrift: Check = {
  id: 'state.drift',
  holds: "the blog's fs-diff lists nothing outside the scenario's allowlist",
  async run(ctx) {
    const script = ctx.plan.fsDiff.script?.source ?? FS_DIFF_SCRIPT;
    await ctx.shell.upload('/run/darlings/fs-diff.sh', script, 0o755);
    const r = await ctx.shell.run('cd / && bash /run/darlings/fs-diff.sh', { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal });
    await ctx.writeArtifact('fs-diff.txt', r.stdout);
    if (r.exitCode !== 0) return fail(`fs-diff exited ${r.exitCode}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
    const lines = r.stdout.split('\n').filter(Boolean);
    const extra = unexpectedDrift(lines, ctx.plan.fsDiff.allow);
    if (extra.length) {
      const shown = extra.slice(0, 15).join(', ');
      return fail(`${extra.length} path(s) outside the allowlist: ${shown}${extra.length > 15 ? ', …' : ''} (full list in fs-diff.txt)`);
    }
    return pass(`${lines.length} path(s) listed, all allowed`);
  },
};
