/**
 * Runs the checks after the last reboot: mounts the top of the btrfs volume at /mnt (as the
 * blog does for fs-diff), runs each check, reports it as it ends, unmounts.
 */
import type { Plan } from '../scenario/plan.ts';
import type { GuestShell } from '../channels/shell.ts';
import type { Facts, StepRunner } from '../procedure/context.ts';
import type { Emit } from '../report/events.ts';
import type { CheckResult } from '../report/results.ts';
import type { OutputDir } from '../report/output-dir.ts';
import { ALL_CHECKS, type Check, type CheckContext } from '../checks/index.ts';

export interface RunChecksOptions {
  plan: Plan;
  shell: GuestShell;
  facts: Facts;
  out: OutputDir;
  emit: Emit;
  runId: string;
  step: StepRunner;
  signal?: AbortSignal;
  checks?: readonly Check[];
}

export const TOP = '/mnt';

export async function runChecks(o: RunChecksOptions): Promise<CheckResult[]> {
  const { plan, shell } = o;
  await o.step(`mount the btrfs top at ${TOP}`, () =>
    shell.expectSuccess(`mkdir -p ${TOP} && (mountpoint -q ${TOP} || mount -o subvol=/ /dev/mapper/${plan.luks.mapping} ${TOP})`, { timeoutMs: plan.timeouts.commandMs }),
  );
  const ctx: CheckContext = {
    plan,
    shell,
    facts: o.facts,
    top: TOP,
    signal: o.signal,
    writeArtifact: async (name, text) => {
      const path = await o.out.writeText(name, text);
      o.emit({ type: 'artifact', runId: o.runId, name, path, at: Date.now() });
    },
  };
  const results: CheckResult[] = [];
  for (const check of o.checks ?? ALL_CHECKS) {
    const skip = plan.skipChecks.find((s) => s.id === check.id);
    let status: CheckResult['status'];
    let message: string;
    if (skip) {
      status = 'skipped';
      message = skip.reason;
    } else {
      try {
        const r = await o.step(`check ${check.id}`, () => check.run(ctx));
        status = r.status;
        message = r.message;
      } catch (error) {
        // A check that cannot look (a channel broke) fails with the reason, the run goes on.
        status = 'failed';
        message = `could not check: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    const expectedFailure = plan.expectedFailures.includes(check.id);
    results.push({ id: check.id, status, message, expectedFailure });
    o.emit({ type: 'check', runId: o.runId, id: check.id, status, message, expectedFailure, at: Date.now() });
  }
  await shell.run(`umount ${TOP}`, { timeoutMs: plan.timeouts.commandMs });
  return results;
}
