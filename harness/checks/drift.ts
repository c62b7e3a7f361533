/**
 * state.drift: the fs-diff (the project's own, from the plan, or the scenario's script) run with
 * the btrfs top mounted; its output is saved as fs-diff.txt and judged against the allowlist.
 */
import { fail, pass, some, type Check } from './check.ts';
import { builtinFsDiffScript } from './fs-diff-script.ts';
import { unexpectedDrift } from './parse.ts';

export interface DriftSeen {
  /** `builtin`, or the path of the scenario's own script. */
  script: string;
  status: number;
  /** The listing, one path a line. */
  stdout: string;
  stderr: string;
}

export const stateDrift: Check<DriftSeen> = {
  id: 'state.drift',
  holds: "the fs-diff lists nothing outside the scenario's allowlist",
  async gather(ctx) {
    const own = ctx.plan.fsDiff.script;
    await ctx.shell.upload('/run/darlings/fs-diff.sh', own?.source ?? builtinFsDiffScript(ctx.plan, ctx.top), 0o755);
    // The user's script may be bash (the blog's is); the built-in one is POSIX sh.
    const r = await ctx.shell.run(`cd / && ${own ? 'bash' : 'sh'} /run/darlings/fs-diff.sh`, { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal });
    await ctx.writeArtifact('fs-diff.txt', r.stdout);
    return { script: own?.path ?? 'builtin', status: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  },
  judge(g, { plan }) {
    const by = g.script === 'builtin' ? 'fs-diff' : `fs-diff (${g.script})`;
    if (g.status !== 0) return fail(`${by} exited ${g.status}: ${g.stderr.trim().split('\n').slice(-3).join(' ')}`);
    const lines = g.stdout.split('\n').filter(Boolean);
    const extra = unexpectedDrift(lines, plan.fsDiff.allow);
    if (extra.length) return fail(`${extra.length} path(s) outside the allowlist: ${some(extra, 15)} (full list in fs-diff.txt)`);
    return pass(`${by} lists ${lines.length} path(s), all allowed`);
  },
  see: (plan) => [`sudo mount -o subvol=/ /dev/mapper/${plan.luks.mapping} /mnt`, 'darlings runbook prints the fs-diff script; run it with sh'],
};
