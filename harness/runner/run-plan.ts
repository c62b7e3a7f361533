/**
 * One run of one Plan, as a sequence of named phases: build or reuse the image, boot the
 * installer and run the blog's install (or start from a checkpoint), boot the installed system
 * (passphrase, rollback, login), persist state, reboot, check. This module only decides which
 * phases run; what each does lives in the phase modules and in procedure/.
 */
import { OutputDir } from '../report/output-dir.ts';
import type { RunResult } from '../report/results.ts';
import { installPhases } from '../procedure/install.ts';
import { persistOnFirstBoot, writeCanaries } from '../procedure/state.ts';
import { readKernelLog } from '../procedure/kernel-log.ts';
import { cutPowerMidWrite } from '../procedure/power-cut.ts';
import { checksForPlan } from '../checks/index.ts';
import { recordBefore, runChecks } from './run-checks.ts';
import { buildRunbook, PROCEDURE_FILE } from '../runbook/index.ts';
import { Sequencer, type Phase } from './sequencer.ts';
import { RunContext, type RunOptions } from './run-context.ts';
import { bootInstaller, bootTarget, powerOffInstaller, powerOffTarget, prepareMachine, screenshotAt } from './machine-phases.ts';
import { findCheckpoint, keepCheckpoint, useCheckpoint } from './checkpoint-phases.ts';
import { runResult } from './run-result.ts';
import { pauseAtFailure, pauseBefore } from './debug-phases.ts';
import type { Plan } from '../scenario/plan.ts';

export type { RunOptions } from './run-context.ts';

/** Runs the plan; never throws for a failure of the run itself (that is in the result). */
export async function runPlan(o: RunOptions): Promise<RunResult> {
  const startedAt = Date.now();
  const out = new OutputDir(o.info.outputDir, o.redactor);
  await out.ensure();
  let run: RunContext | undefined;
  const seq = new Sequencer({
    runId: o.info.runId,
    emit: o.emit,
    signal: o.signal,
    startedAt,
    redact: (t) => o.redactor.redact(t),
    onFailure: (phase) => screenshotAt(run!, phase),
    beforePhase: (phase) => pauseBefore(run!, phase),
  });
  run = new RunContext(o, out, seq);
  o.emit({ type: 'run-begin', run: o.info, accel: o.accel.accel, accelNote: o.accel.note, at: Date.now() });
  try {
    await seq.run([{
      name: 'image',
      run: async () => {
        await prepareMachine(run);
        // The procedure this run follows, for the report's Procedure section (placeholders only).
        await out.writeText(PROCEDURE_FILE, `${JSON.stringify(buildRunbook(run.plan, o.driver), null, 2)}\n`);
      },
    }]);
    await seq.run(await phasesAfterImage(run));
  } catch (error) {
    // A failing phase is recorded already; anything else must not vanish (it once did: a run
    // with a bad `from:` ended green having run nothing).
    seq.recordOutside(error);
    await pauseAtFailure(run);
  } finally {
    await seq.teardowns.run();
  }
  const result = await runResult(run, startedAt);
  o.emit({ type: 'run-end', runId: run.runId, result, at: Date.now() });
  return result;
}

/** The phases after the image, from the plan and what the cache holds. */
async function phasesAfterImage(run: RunContext): Promise<Phase[]> {
  const plan = run.plan;
  if (!plan.from) return [...install(run, plan), ...firstBoot(run, plan, plan.powerCut ? undefined : plan), ...lastBoot(run)];
  const { key, dir, present } = await findCheckpoint(run);
  const label = `${plan.from.scenario}@${plan.from.checkpoint}`;
  const base = plan.from.base;
  if (!present) {
    run.checkpoint = { from: label, key, rebuilt: true };
    run.log(`checkpoint ${key} is missing: ${plan.from.checkpoint === 'first-boot' ? 'installing and booting' : 'installing'} ${base.name} first`, 'warn');
    // A missing first-boot checkpoint is kept on the way (the reboot keeps it, shaped by the base).
    return [...install(run, base), ...firstBoot(run, plan, plan.from.checkpoint === 'first-boot' ? base : undefined), ...lastBoot(run)];
  }
  run.checkpoint = { from: label, key, rebuilt: false };
  const overlay: Phase = { name: 'checkpoint', run: () => useCheckpoint(run, dir, key) };
  if (plan.from.checkpoint === 'first-boot') {
    // The first boot already ran: one boot (passphrase, rollback, login), then the checks.
    return [overlay, { name: 'reboot', run: () => bootTarget(run, 'after the reboot (from the first-boot checkpoint)') }, ...lastBoot(run)];
  }
  return [overlay, ...firstBoot(run, plan, undefined), ...lastBoot(run)];
}

/** The blog's install from a blank disk, then the installed checkpoint (shaped by `shaping`). */
function install(run: RunContext, shaping: Plan): Phase[] {
  return [
    { name: 'boot-installer', run: () => bootInstaller(run) },
    ...installPhases.map((p) => ({ name: p.name, run: () => p.run(run.stepContext()) })),
    { name: 'power-off-installer', run: () => powerOffInstaller(run) },
    { name: 'checkpoint', run: async () => void (await keepCheckpoint(run, shaping, 'installed')) },
  ];
}

/**
 * The first boot: state persisted, canaries written, then the reboot (or the power cut) and the
 * boot the checks look at. With `keepFirstBoot`, the first-boot checkpoint is kept while the
 * machine is off for the reboot (a full run keeps it for its own scenario).
 */
function firstBoot(run: RunContext, plan: Plan, keepFirstBoot: Plan | undefined): Phase[] {
  const phases: Phase[] = [
    { name: 'first-boot', run: () => bootTarget(run, 'first boot of the installed system', { firstBoot: true }) },
    {
      name: 'first-boot-state',
      run: async () => {
        const ctx = run.stepContext();
        run.record(await persistOnFirstBoot(ctx));
        run.record(await writeCanaries(ctx));
        // What the checks compare against after the reboot, recorded by the checks themselves.
        run.record({ before: await recordBefore({ plan: run.plan, shell: run.booted.shell, guest: run.o.driver, facts: run.facts, out: run.out, emit: run.o.emit, runId: run.runId, signal: run.o.signal, step: run.seq.step }) });
        const boot = run.booted.boots.length;
        const text = await readKernelLog(ctx);
        run.record({ kernelLogs: [...(run.facts.kernelLogs ?? []), { boot, text }] });
        await run.out.writeText(`dmesg-${boot}.txt`, text);
      },
    },
  ];
  const cut = plan.powerCut;
  if (cut) {
    phases.push({
      name: 'power-cut',
      run: async () => {
        run.record({ powerCut: await cutPowerMidWrite(run.stepContext(), cut, () => run.booted.powerCut()) });
        await bootTarget(run, 'after the power cut');
      },
    });
  } else {
    phases.push({
      name: 'reboot',
      run: async () => {
        await run.seq.step('reboot (systemctl reboot)', () => run.booted.reboot());
        if (keepFirstBoot) await run.seq.step('keep the first-boot checkpoint', () => keepCheckpoint(run, keepFirstBoot, 'first-boot'));
        await bootTarget(run, 'after the reboot');
      },
    });
  }
  return phases;
}

/** The checks after the last boot, then the machine off. */
function lastBoot(run: RunContext): Phase[] {
  return [
    {
      name: 'checks',
      run: async () => {
        run.record({ currentBoot: run.booted.boots.length });
        const checks = checksForPlan(run.plan);
        run.checks = [];
        await runChecks({ checks, results: run.checks, plan: run.plan, shell: run.booted.shell, guest: run.o.driver, facts: run.facts, out: run.out, emit: run.o.emit, runId: run.runId, signal: run.o.signal, step: run.seq.step });
      },
    },
    { name: 'power-off', run: () => powerOffTarget(run) },
  ];
}
