/**
 * The copies into /persist as commands (procedure as data, COMMON.md interface 4): the plan's
 * `persist.commands` (the blog's unless the scenario says) mapped to the guest, run on the first
 * boot after the opt-in configuration is applied and before the reboot, where the blog types them.
 * The runbook prints the same list, so what runs and what is shown cannot drift.
 */
import { shQuote } from '../util/shell.ts';
import { CheckFailed } from '../errors.ts';
import type { GuestName, Plan } from '../scenario/plan.ts';
import type { StepContext } from './context.ts';

/** One command of the procedure, as the runner runs it and the runbook prints it. */
export interface ProcedureCommand {
  phase: string;
  name: string;
  command: string;
  stdin?: { secret: 'passphrase' | 'password' };
  guest?: GuestName;
  note?: string;
}

/** What running one persist command gave, for the checks and the report (no secrets: no stdin). */
export interface CommandOutcome {
  /** The plan's (guest-neutral) text, e.g. `cp {,/persist}/etc/nixos`. */
  name: string;
  /** What ran on this guest. */
  command: string;
  exitCode: number;
  stderr: string;
  /** Set when the scenario expected this command to fail: why. */
  expectedFailure?: { reason: string; gap: boolean };
}

export const PERSIST_PHASE = 'first-boot-state';

/** `/etc/<name>` paths in a command, with the first path component as the name. */
const ETC_PATH = /\/etc\/([A-Za-z0-9_.-]+)/g;

/**
 * The plan's persist commands for `guest`: `/etc/<name>` becomes the guest's name for it
 * (`mapEtc`, the driver's `etcEntry`); a command about an entry the guest does not have is kept
 * for the other guest only, with a note saying so. Deviations are noted with their reason.
 *
 * @example
 * persistCommands(plan, 'debian', debianEtcEntry).find((c) => c.name === 'cp {,/persist}/etc/nixos')
 * // { command: 'cp {,/persist}/etc/darlings', note: 'debian stand-in: /etc/darlings is its /etc/nixos', … }
 */
export function persistCommands(plan: Pick<Plan, 'persist' | 'deviations'>, guest: GuestName, mapEtc: (name: string) => string | null): ProcedureCommand[] {
  return plan.persist.commands.map((text) => {
    const notes: string[] = [];
    let missing: string | undefined;
    const command = text.replace(ETC_PATH, (whole, name: string) => {
      const mapped = mapEtc(name);
      if (mapped === null) {
        missing = name;
        return whole;
      }
      if (mapped !== name) notes.push(`${guest} stand-in: /etc/${mapped} is its /etc/${name}`);
      return `/etc/${mapped}`;
    });
    const deviation = plan.deviations.find((d) => d.instead === text);
    if (deviation) notes.push(`deviation from the blog's \`${deviation.blog}\`: ${deviation.reason}`);
    const base: ProcedureCommand = { phase: PERSIST_PHASE, name: text, command };
    if (missing !== undefined) {
      const other: GuestName = guest === 'debian' ? 'nixos' : 'debian';
      return { ...base, command: text, guest: other, note: `not on ${guest}: it has no /etc/${missing}` };
    }
    return notes.length ? { ...base, note: notes.join('; ') } : base;
  });
}

/** The persist commands this guest runs (a command kept for the other guest is left out). */
export function commandsFor(plan: Pick<Plan, 'persist' | 'deviations'>, guest: GuestName, mapEtc: (name: string) => string | null): ProcedureCommand[] {
  return persistCommands(plan, guest, mapEtc).filter((c) => c.guest === undefined || c.guest === guest);
}

/**
 * Runs the persist commands in order under bash (the blog's brace expansion). A command that
 * exits non-zero fails the phase with its stderr, unless the scenario expects exactly that
 * (`expect.commands`): then the outcome is recorded and the procedure goes on, as a person at the
 * prompt would. An expected failure that succeeds fails the phase too: the scenario is stale.
 */
export async function runPersistCommands(ctx: StepContext): Promise<CommandOutcome[]> {
  const outcomes: CommandOutcome[] = [];
  for (const c of commandsFor(ctx.plan, ctx.plan.guest, (n) => ctx.driver.etcEntry(n))) {
    const expected = ctx.plan.expectedCommandFailures.find((e) => e.command === c.name);
    const r = await ctx.step(c.command, () => ctx.shell.run(`bash -c ${shQuote(c.command)}`, { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal }));
    const outcome: CommandOutcome = { name: c.name, command: c.command, exitCode: r.exitCode, stderr: r.stderr.trim() };
    if (expected) outcome.expectedFailure = { reason: expected.reason, gap: expected.gap };
    outcomes.push(outcome);
    if (r.exitCode !== 0 && !expected) {
      throw new CheckFailed(`\`${c.command}\` exited ${r.exitCode}: ${r.stderr.trim() || '(no stderr)'}`);
    }
    if (r.exitCode === 0 && expected) {
      throw new CheckFailed(`\`${c.command}\` was expected to fail (${expected.reason}) but succeeded: update the scenario's expect.commands`);
    }
    if (r.exitCode !== 0) ctx.log(`expected failure of \`${c.command}\` (exit ${r.exitCode}): ${outcome.stderr}`);
  }
  return outcomes;
}
