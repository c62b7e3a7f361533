/**
 * A check: a small function with a DESIGN.md id that looks at the rebooted system and says
 * passed, failed (with why) or skipped. Checks read the facts recorded before the reboot; they
 * never change the system, except mounting the btrfs top read-only where the blog does.
 */
import { randomBytes } from 'node:crypto';
import { shQuote } from '../util/shell.ts';
import type { Plan } from '../scenario/plan.ts';
import type { GuestShell } from '../channels/shell.ts';
import type { Facts } from '../procedure/context.ts';

export interface CheckOutcome {
  status: 'passed' | 'failed' | 'skipped';
  message: string;
}

export interface CheckContext {
  plan: Plan;
  shell: GuestShell;
  facts: Facts;
  /** Where the top of the btrfs volume is mounted (subvol=/), as the blog mounts it: /mnt. */
  top: string;
  writeArtifact(name: string, text: string): Promise<void>;
  signal?: AbortSignal;
}

export interface Check {
  id: string;
  /** One line: what holds when it passes. */
  holds: string;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

export const pass = (message = ''): CheckOutcome => ({ status: 'passed', message });
export const fail = (message: string): CheckOutcome => ({ status: 'failed', message });
export const skip = (message: string): CheckOutcome => ({ status: 'skipped', message });

/** Runs a read-only command; a non-zero exit is returned, not thrown, so checks can judge it. */
export async function look(ctx: CheckContext, command: string): Promise<{ ok: boolean; out: string }> {
  const r = await ctx.shell.run(command, { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal });
  return { ok: r.exitCode === 0, out: (r.stdout + (r.exitCode === 0 ? '' : r.stderr)).trim() };
}

/** A file as `readFiles` saw it: absent, or there with its text (empty if unreadable). */
export type SeenFile = { exists: false } | { exists: true; text: string };

/**
 * Reads several files in one round trip (under TCG every command costs ~0.1 s of process start
 * in the guest). A random marker line separates them, so no file's text can fake another's.
 */
export async function readFiles(ctx: CheckContext, paths: readonly string[]): Promise<Map<string, SeenFile>> {
  const seen = new Map<string, SeenFile>();
  if (!paths.length) return seen;
  const mark = `__darlings_file_${randomBytes(6).toString('hex')}`;
  const command = paths
    .map((p) => `if [ -e ${shQuote(p)} ] || [ -L ${shQuote(p)} ]; then printf '\\n%s +\\n' ${mark}; cat -- ${shQuote(p)} 2>/dev/null; else printf '\\n%s -\\n' ${mark}; fi`)
    .join('; ');
  const r = await ctx.shell.run(command, { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal });
  const chunks = r.stdout.split(`\n${mark} `).slice(1);
  if (chunks.length !== paths.length) throw new Error(`reading ${paths.length} files gave ${chunks.length} answers (exit ${r.exitCode}): ${r.stderr.trim()}`);
  paths.forEach((p, i) => {
    const chunk = chunks[i]!;
    seen.set(p, chunk.startsWith('+\n') ? { exists: true, text: chunk.slice(2) } : { exists: false });
  });
  return seen;
}
