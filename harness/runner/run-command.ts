/**
 * `darlings run`: plans, host checks, reporters, signals, workers. Ctrl-C or SIGTERM stops the
 * VMs and writes what was done, marked `error`; a second Ctrl-C exits at once (QEMU dies with us).
 */
import { resolve } from 'node:path';
import { loadPlans, runSlug, type SelectOptions } from './load-plans.ts';
import { runPlan } from './run-plan.ts';
import { createReporters, defaultOutputDirName } from '../report/index.ts';
import type { RunResult } from '../report/results.ts';
import { Redactor } from '../util/redact.ts';
import { chooseAccel, type AccelChoice } from '../vm/accel.ts';
import { findOvmf } from '../vm/firmware.ts';
import { requireHost, type Purpose } from '../host/requirements.ts';
import { AbortedError, ScenarioError } from '../errors.ts';
import { driverFor } from '../guests/drivers.ts';
import { defaultCacheDir } from '../guests/image-cache.ts';
import { createPause, parseDebugMode, type RunPause } from '../debug/pause.ts';
import { PHASE_NAMES } from './phase-names.ts';

export interface RunCommandOptions extends SelectOptions {
  output?: string;
  reporter: string;
  accel: AccelChoice;
  keepVm: boolean;
  workers: number;
  nixpkgs?: string;
  debug?: string | boolean;
  pauseBefore?: string;
}

export async function runCommand(files: string[], o: RunCommandOptions): Promise<number> {
  // A typo must not silently never pause.
  if (o.pauseBefore !== undefined && !(PHASE_NAMES as readonly string[]).includes(o.pauseBefore))
    throw new ScenarioError(`Expected \`--pause-before\` to be one of ${PHASE_NAMES.join(', ')}, got \`${o.pauseBefore}\``);
  const plans = await loadPlans(files, o);
  if (!plans.length) throw new ScenarioError('No runs match (check --guest, --grep and --shard)');
  const purposes: Purpose[] = ['run'];
  if (plans.some((p) => p.guest === 'debian')) purposes.push('build-debian');
  if (plans.some((p) => p.guest === 'nixos')) purposes.push('nixos');
  await requireHost(purposes);
  const accel = await chooseAccel(o.accel);
  const ovmf = await findOvmf({ code: process.env.DARLINGS_OVMF_CODE, vars: process.env.DARLINGS_OVMF_VARS });

  // Every secret of every plan is known before anything can print.
  const redactor = new Redactor(plans.flatMap((p) => p.secrets));
  const outputs = plans.map((p) => {
    if (o.output) return plans.length === 1 ? resolve(o.output) : resolve(o.output, runSlug(p));
    // The kernel is in the name only when the scenario is a kernel matrix.
    const kernels = new Set(plans.filter((q) => q.name === p.name && q.guest === p.guest).map((q) => q.kernel.name));
    return resolve(defaultOutputDirName(p.name, kernels.size > 1 ? `${p.guest}-${p.kernel.name}` : p.guest));
  });
  const reporters = createReporters(o.reporter.split(','), {
    stdout: process.stdout,
    isTTY: Boolean(process.stdout.isTTY) && !process.env.CI,
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    width: process.stdout.columns,
    redactor,
    warn: (t) => process.stderr.write(`${t}\n`),
    ...(plans.length > 1 && { indexDir: o.output ? resolve(o.output) : resolve('darlings-results') }),
  });
  const emit = (e: Parameters<NonNullable<typeof reporters.onEvent>>[0]) => reporters.onEvent(e);

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) {
      process.stderr.write(`\ndarlings: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    process.stderr.write(`\ndarlings: ${signal}: stopping the VMs and writing results (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to exit at once)\n`);
    controller.abort(new AbortedError(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const debug = parseDebugMode(o.debug);
  const pause: RunPause | undefined = debug !== 'off' || o.pauseBefore
    ? { when: { debug, ...(o.pauseBefore && { beforePhase: o.pauseBefore }) }, pause: createPause({ emit, signal: controller.signal }) }
    : undefined;
  const results: RunResult[] = new Array(plans.length);
  let next = 0;
  const worker = async () => {
    while (next < plans.length && !controller.signal.aborted) {
      const i = next++;
      const plan = plans[i]!;
      results[i] = await runPlan({
        plan,
        driver: await driverFor(plan.guest),
        info: { runId: runSlug(plan), scenario: plan.name, guest: plan.guest, profile: plan.profile.name, kernel: plan.kernel.name, outputDir: outputs[i]! },
        emit,
        accel,
        ovmf,
        cacheDir: defaultCacheDir(),
        redactor,
        keepVm: o.keepVm,
        signal: controller.signal,
        nixpkgs: o.nixpkgs,
        ...(pause && { pause }),
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.workers, plans.length) }, worker));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const done = results.filter(Boolean);
  await reporters.onEnd(done);
  if (controller.signal.aborted) return 130;
  return done.length === plans.length && done.every((r) => r.status === 'passed') ? 0 : 1;
}

