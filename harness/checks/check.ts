/**
 * A check: a small function with a DESIGN.md id that looks at the rebooted system and says
 * passed, failed (with why) or skipped. Checks read the facts recorded before the reboot; they
 * never change the system, except mounting the btrfs top read-only where the blog does.
 */
import type { Plan } from '../scenario/plan.ts';
import type { GuestShell } from '../guests/guest.ts';
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
