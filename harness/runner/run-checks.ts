/**
 * The checks around the reboot. `recordBefore` runs every check's `before` on the first boot,
 * right before the reboot; `runChecks` runs after the last boot: mounts the btrfs top at /mnt
 * (as the blog does for fs-diff), gathers each check's state, judges it, reports it as it ends,
 * unmounts, and writes everything gathered to checks-gathered.json (the recorded states the
 * judges' unit tests replay).
 */
import type { Plan } from '../scenario/plan.ts';
import type { GuestDriver } from '../guests/guest.ts';
import type { GuestShell } from '../channels/shell.ts';
import type { Facts, StepRunner } from '../procedure/context.ts';
import type { Emit } from '../report/events.ts';
import type { CheckResult } from '../report/results.ts';
import type { OutputDir } from '../report/output-dir.ts';
import { ALL_CHECKS, judgePlan, type AnyCheck, type CheckContext, type CheckOutcome, type JudgeFacts, type JudgePlan } from '../checks/index.ts';
import { InfraError } from '../errors.ts';
import { statusForError } from './judge.ts';

export interface RunChecksOptions {
  plan: Plan;
  shell: GuestShell;
  guest: Pick<GuestDriver, 'name' | 'configDir' | 'etcEntry'>;
  facts: Facts;
  out: OutputDir;
  emit: Emit;
  runId: string;
  step: StepRunner;
  signal?: AbortSignal;
  checks?: readonly AnyCheck[];
  /** Results are pushed here as they end, so a run that ends in an infrastructure fault keeps them. */
  results?: CheckResult[];
}

export const TOP = '/mnt';
export const GATHERED_FILE = 'checks-gathered.json';

/** What checks-gathered.json holds: enough to replay every judge (no secret is in it). */
export interface GatheredRecord {
  scenario: string;
  guest: string;
  plan: JudgePlan;
  facts: JudgeFacts;
  /** Check id -> what its `before` recorded and what its gather saw (absent when it could not gather). */
  checks: Record<string, { before?: unknown; gathered?: unknown; fault?: string }>;
}

/** Why a check could not gather: the system's fault (a verdict) or the harness's (not one). */
export type GatherFault = { blame: 'system' | 'infrastructure'; message: string };

/**
 * A gather that threw: the guest crashed or stopped answering in time is the system's fault
 * (`failed`); a broken channel, the host, an abort or a harness bug is not a verdict on it.
 */
export function gatherFault(error: unknown): GatherFault {
  const message = error instanceof Error ? error.message : String(error);
  return { blame: statusForError(error) === 'failed' ? 'system' : 'infrastructure', message };
}

function contextOf(o: Pick<RunChecksOptions, 'plan' | 'shell' | 'guest' | 'facts' | 'out' | 'emit' | 'runId' | 'signal'>): CheckContext {
  return {
    plan: o.plan,
    shell: o.shell,
    guest: o.guest,
    facts: o.facts,
    top: TOP,
    signal: o.signal,
    writeArtifact: async (name, text) => {
      const path = await o.out.writeText(name, text);
      o.emit({ type: 'artifact', runId: o.runId, name, path, at: Date.now() });
    },
  };
}

/** What recording the checks' `before` needs: the same as running them, less the results sink. */
export type RecordBeforeOptions = Omit<RunChecksOptions, 'results'>;

/**
 * Runs every check's `before` (right before the reboot) and returns check id -> state, for
 * `facts.before`. A check the scenario skips records nothing. A failing `before` throws: the
 * phase fails (or errs, for the harness's own faults) rather than leaving a check with nothing.
 */
export async function recordBefore(o: RecordBeforeOptions): Promise<Record<string, unknown>> {
  const ctx = contextOf(o);
  const before: Record<string, unknown> = {};
  for (const check of o.checks ?? ALL_CHECKS) {
    if (!check.before || o.plan.skipChecks.some((s) => s.id === check.id)) continue;
    before[check.id] = await o.step(`record for ${check.id}`, () => check.before!(ctx));
  }
  return before;
}

export async function runChecks(o: RunChecksOptions): Promise<CheckResult[]> {
  const { plan, shell } = o;
  await o.step(`mount the btrfs top at ${TOP}`, () =>
    shell.expectSuccess(`mkdir -p ${TOP} && (mountpoint -q ${TOP} || mount -o subvol=/ /dev/mapper/${plan.luks.mapping} ${TOP})`, { timeoutMs: plan.timeouts.commandMs }),
  );
  const ctx = contextOf(o);
  const jp = judgePlan(plan);
  const jf: JudgeFacts = {
    canaryToken: o.facts.canaryToken,
    canaries: o.facts.canaries,
    serviceFiles: o.facts.serviceFiles,
    kernelLogs: o.facts.kernelLogs,
    currentBoot: o.facts.currentBoot,
    stage1: o.facts.stage1,
    expectedKernel: o.facts.expectedKernel,
    login: o.facts.login,
    powerCut: o.facts.powerCut,
  };
  const record: GatheredRecord = { scenario: plan.name, guest: plan.guest, plan: jp, facts: jf, checks: {} };
  const results = o.results ?? [];
  const notJudged: string[] = [];
  for (const check of o.checks ?? ALL_CHECKS) {
    const skipped = plan.skipChecks.find((s) => s.id === check.id);
    const before = o.facts.before?.[check.id];
    let outcome: CheckOutcome;
    if (skipped) outcome = { status: 'skipped', message: skipped.reason };
    else {
      try {
        const gathered = await o.step(`check ${check.id}`, () => check.gather(ctx));
        record.checks[check.id] = { before, gathered };
        outcome = check.judge(gathered, { plan: jp, before, facts: jf });
      } catch (error) {
        const fault = gatherFault(error);
        record.checks[check.id] = { before, fault: `${fault.blame}: ${fault.message}` };
        if (fault.blame === 'system') outcome = { status: 'failed', message: `could not check (the system's fault): ${fault.message}` };
        else {
          // Not a verdict: reported apart, and the checks phase ends in error below.
          outcome = { status: 'skipped', message: `not judged (infrastructure fault, not a verdict on the system): ${fault.message}` };
          notJudged.push(`${check.id}: ${fault.message}`);
        }
      }
    }
    const expectedFailure = plan.expectedFailures.includes(check.id);
    results.push({ id: check.id, status: outcome.status, message: outcome.message, expectedFailure });
    const knownGap = plan.expectations.some((e) => e.id === check.id && e.gap);
    o.emit({ type: 'check', runId: o.runId, id: check.id, status: outcome.status, message: outcome.message, expectedFailure, ...(knownGap && { knownGap }), at: Date.now() });
  }
  await o.out.writeText(GATHERED_FILE, `${JSON.stringify(record, null, 1)}\n`);
  o.emit({ type: 'artifact', runId: o.runId, name: GATHERED_FILE, path: o.out.resolve(GATHERED_FILE), at: Date.now() });
  await shell.run(`umount ${TOP}`, { timeoutMs: plan.timeouts.commandMs });
  if (notJudged.length) throw new InfraError(`${notJudged.length} check(s) could not be judged: ${notJudged.join('; ')}`);
  return results;
}
