/**
 * A check: a DESIGN.md id, a gather step (guest I/O, batched) and a pure judge of what was
 * gathered, so every verdict can be replayed on a recorded state (test/fixtures/checks/).
 * `before` records, right before the reboot, what the judge compares against. Checks never
 * change the system, except mounting the btrfs top read-only where the blog does and the probe
 * file mounts.options writes and removes.
 */
import { randomBytes } from 'node:crypto';
import { shQuote } from '../util/shell.ts';
import type { Plan, PlanLuks, PlanUser } from '../scenario/plan.ts';
import type { GuestDriver } from '../guests/guest.ts';
import type { GuestShell } from '../channels/shell.ts';
import type { Facts } from '../procedure/context.ts';

export interface CheckOutcome {
  status: 'passed' | 'failed' | 'skipped';
  message: string;
}

/** What gather and before get: the channels to the booted target. */
export interface CheckContext {
  plan: Plan;
  shell: GuestShell;
  /** What differs between guests (the config folder's name, which /etc entries it has). */
  guest: Pick<GuestDriver, 'name' | 'configDir' | 'etcEntry'>;
  facts: Facts;
  /** Where the top of the btrfs volume is mounted (subvol=/), as the blog mounts it: /mnt. */
  top: string;
  writeArtifact(name: string, text: string): Promise<void>;
  signal?: AbortSignal;
}

/**
 * The part of the plan judges read, and what checks-gathered.json records of it: no secret
 * (passphrase, password) is in it.
 */
export type JudgePlan = Pick<Plan, 'name' | 'guest' | 'disk' | 'btrfs' | 'persist' | 'kernelLog' | 'profile' | 'kernel' | 'initrd' | 'serviceState'> & {
  luks: Pick<PlanLuks, 'mapping'>;
  user: Pick<PlanUser, 'name'>;
  rollback: { kind: Plan['rollback']['kind'] };
  fsDiff: { allow: string[]; script?: { path: string } };
};

/** The facts judges read (what the procedure recorded, per boot). */
export type JudgeFacts = Pick<Facts, 'canaryToken' | 'canaries' | 'serviceFiles' | 'kernelLogs' | 'currentBoot' | 'stage1' | 'expectedKernel'>;

export interface JudgeInput<B> {
  plan: JudgePlan;
  /** What this check's `before` recorded; undefined when it has none or it did not run. */
  before?: B;
  facts: JudgeFacts;
}

export interface Check<G = unknown, B = unknown> {
  id: string;
  /** One line: what holds when it passes. */
  holds: string;
  before?(ctx: CheckContext): Promise<B>;
  gather(ctx: CheckContext): Promise<G>;
  judge(gathered: G, input: JudgeInput<B>): CheckOutcome;
  /** The shell commands a person runs to see what the check sees (for the runbook). */
  see?(plan: JudgePlan): string[];
}

/** A check as the registry holds it (its gathered and before types erased). */
export type AnyCheck = Check<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const pass = (message = ''): CheckOutcome => ({ status: 'passed', message });
export const fail = (message: string): CheckOutcome => ({ status: 'failed', message });
export const skip = (message: string): CheckOutcome => ({ status: 'skipped', message });

/** The judge-visible part of a plan (drops the secrets). */
export function judgePlan(plan: Plan): JudgePlan {
  return {
    name: plan.name,
    guest: plan.guest,
    disk: plan.disk,
    btrfs: plan.btrfs,
    persist: plan.persist,
    kernelLog: plan.kernelLog,
    profile: plan.profile,
    kernel: plan.kernel,
    initrd: plan.initrd,
    serviceState: plan.serviceState,
    luks: { mapping: plan.luks.mapping },
    user: { name: plan.user.name },
    rollback: { kind: plan.rollback.kind },
    fsDiff: { allow: plan.fsDiff.allow, ...(plan.fsDiff.script && { script: { path: plan.fsDiff.script.path } }) },
  };
}

/** The subvolume mounted at / (the one the rollback replaces), by the plan's name for it. */
export function rootSubvolume(plan: Pick<Plan, 'btrfs'>): string | undefined {
  return plan.btrfs.subvolumes.find((s) => s.mountPoint === '/')?.name;
}

/** What one command of a batch printed (stdout and stderr together) and its exit status. */
export interface Looked {
  status: number;
  out: string;
}

/**
 * Runs several read-only commands in one round trip (under TCG every command costs ~0.1 s of
 * process start in the guest); a random marker separates them, so no output can fake another's.
 * A non-zero exit is returned, not thrown, so judges can judge it.
 */
export async function lookAll<K extends string>(ctx: CheckContext, commands: Record<K, string>): Promise<Record<K, Looked>> {
  const names = Object.keys(commands) as K[];
  const mark = `__darlings_look_${randomBytes(6).toString('hex')}`;
  const script = names.map((n, i) => `printf '\\n%s %s\\n' ${mark} ${i}; ( ${commands[n]} ) 2>&1; printf '\\n%s status %s\\n' ${mark} $?`).join('; ');
  const r = await ctx.shell.run(script, { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal });
  const out = {} as Record<K, Looked>;
  const chunks = r.stdout.split(`\n${mark} `).slice(1);
  for (const [i, n] of names.entries()) {
    const body = chunks[2 * i];
    const status = /^status (\d+)/.exec(chunks[2 * i + 1] ?? '')?.[1];
    if (body === undefined || !body.startsWith(`${i}\n`) || status === undefined)
      throw new Error(`running ${names.length} commands gave ${Math.floor(chunks.length / 2)} answers (exit ${r.exitCode}): ${r.stderr.trim()}`);
    out[n] = { status: Number(status), out: body.slice(`${i}\n`.length).replace(/\n$/, '') };
  }
  return out;
}

/** Runs one read-only command; see lookAll. */
export async function look(ctx: CheckContext, command: string): Promise<Looked> {
  return (await lookAll(ctx, { c: command })).c;
}

/**
 * A file as `readFiles` saw it: absent (a dangling link is absent too, with its target: an
 * /etc link into /persist whose source was never made shows nothing persisted), or there with
 * its text (empty if unreadable).
 */
export type SeenFile = { exists: false; danglingLink?: string } | { exists: true; text: string };

/** Reads several files in one round trip, like lookAll. */
export async function readFiles(ctx: CheckContext, paths: readonly string[]): Promise<Record<string, SeenFile>> {
  const seen: Record<string, SeenFile> = {};
  if (!paths.length) return seen;
  const mark = `__darlings_file_${randomBytes(6).toString('hex')}`;
  const command = paths
    .map((p) => {
      const q = shQuote(p);
      return `if [ -e ${q} ]; then printf '\\n%s +\\n' ${mark}; cat -- ${q} 2>/dev/null; elif [ -L ${q} ]; then printf '\\n%s L\\n' ${mark}; readlink -- ${q}; else printf '\\n%s -\\n' ${mark}; fi`;
    })
    .join('; ');
  const r = await ctx.shell.run(command, { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal });
  const chunks = r.stdout.split(`\n${mark} `).slice(1);
  if (chunks.length !== paths.length) throw new Error(`reading ${paths.length} files gave ${chunks.length} answers (exit ${r.exitCode}): ${r.stderr.trim()}`);
  paths.forEach((p, i) => {
    const chunk = chunks[i]!;
    if (chunk.startsWith('+\n')) seen[p] = { exists: true, text: chunk.slice(2) };
    else if (chunk.startsWith('L\n')) seen[p] = { exists: false, danglingLink: chunk.slice(2).trim() };
    else seen[p] = { exists: false };
  });
  return seen;
}

/** Lists at most `n` items, with a count of the rest. */
export function some(items: readonly string[], n = 8): string {
  return items.length > n ? `${items.slice(0, n).join(', ')}, … (${items.length - n} more)` : items.join(', ');
}
