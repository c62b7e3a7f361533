/**
 * Running a set of Plans, for programs and the CLI alike: host checks, accelerator and firmware,
 * one output folder per run, a worker pool, reporters. Prints nothing: the caller passes reporters,
 * the firmware and a signal (the CLI reads `DARLINGS_OVMF_*`, `CI` and the terminal, and owns
 * Ctrl-C). Only the cache folder's default comes from `XDG_CACHE_HOME`, as for every command.
 */
import { resolve } from 'node:path';
import type { Plan } from '../scenario/plan.ts';
import { runPlan } from './run-plan.ts';
import { runSlug } from './load-plans.ts';
import { defaultOutputDirName, DEFAULT_RESULTS_ROOT } from '../report/index.ts';
import type { Emit, Reporter } from '../report/events.ts';
import type { RunResult } from '../report/results.ts';
import { Multiplexer } from '../report/multiplexer.ts';
import { Redactor } from '../util/redact.ts';
import { chooseAccel, type AccelChoice } from '../vm/accel.ts';
import { findOvmf, type OvmfPair } from '../vm/firmware.ts';
import { requireHost, type Purpose } from '../host/requirements.ts';
import { ScenarioError } from '../errors.ts';
import { driverFor } from '../guests/drivers.ts';
import { defaultCacheDir } from '../guests/image-cache.ts';
import type { RunPause } from '../debug/pause.ts';

export interface RunPlansOptions {
  /**
   * Reporters, or a function that makes them once the plans' secrets are known (so a reporter
   * that prints can redact them). Default: none (the results are still returned).
   */
  reporters?: Reporter[] | ((redactor: Redactor) => Reporter[]);
  /**
   * Output folder: with one plan the run's folder, with several the parent of one folder per run.
   * Default: `darlings-results/<scenario>-<guest>-<timestamp>` under the current directory.
   */
  output?: string;
  /** Default `auto`: KVM when /dev/kvm is usable, TCG otherwise. */
  accel?: AccelChoice;
  /** Keep each VM's disk, vars and sockets after its run. */
  keepVm?: boolean;
  /** Runs at once (default 1). */
  workers?: number;
  /** nixos: the nixpkgs tree for image builds. */
  nixpkgs?: string;
  /** Image and checkpoint cache (default `$XDG_CACHE_HOME/darlings` or `~/.cache/darlings`). */
  cacheDir?: string;
  /** OVMF code and vars (default: the first pair found in the usual Debian/Ubuntu places). */
  ovmf?: Partial<OvmfPair>;
  /** Where a throwing reporter's one-line warning goes (default: nowhere; it never stops a run). */
  warn?: (text: string) => void;
  /** Stops every run: VMs are stopped and results so far written, marked `error`. */
  signal?: AbortSignal;
  /** `--debug`/`--pause-before`: when to keep a guest running for a person, and how (given the runs' emit). */
  pause?: (emit: Emit) => RunPause;
}

export interface RunPlansResult {
  /** One result per plan that started, in plan order. */
  results: RunResult[];
  /** The output folder of each plan, in plan order. */
  outputs: string[];
  /** Every plan ran and passed (expected failures included). */
  passed: boolean;
  /** The signal stopped the runs. */
  aborted: boolean;
}

/**
 * Runs `plans` (from {@link loadPlans}) and returns their results. A failed check or step is in
 * the result, not thrown; it throws only for what stops everything before a VM starts: no plans
 * (`ScenarioError`), a missing host tool (`HostError`, with what to install).
 *
 * @example
 * ```ts
 * import { loadPlans, runPlans, ListReporter } from 'darlings';
 * const plans = await loadPlans(['ci/laptop.yaml'], { guest: 'debian' });
 * const run = await runPlans(plans, {
 *   reporters: (redactor) => [new ListReporter({ stream: process.stdout, isTTY: false, redactor })],
 *   output: 'out/laptop',
 * });
 * process.exitCode = run.passed ? 0 : 1;
 * ```
 */
export async function runPlans(plans: Plan[], options: RunPlansOptions = {}): Promise<RunPlansResult> {
  if (!plans.length) throw new ScenarioError('No runs match (check --guest, --grep and --shard)');
  const purposes: Purpose[] = ['run'];
  if (plans.some((p) => p.guest === 'debian')) purposes.push('build-debian');
  if (plans.some((p) => p.guest === 'nixos')) purposes.push('nixos');
  await requireHost(purposes);
  const accel = await chooseAccel(options.accel ?? 'auto');
  const ovmf = await findOvmf(options.ovmf ?? {});
  const cacheDir = options.cacheDir ?? defaultCacheDir();

  // Every secret of every plan is known before anything can print.
  const redactor = new Redactor(plans.flatMap((p) => p.secrets));
  const outputs = outputFolders(plans, options.output);
  const made = typeof options.reporters === 'function' ? options.reporters(redactor) : (options.reporters ?? []);
  const reporters = new Multiplexer(made, { warn: options.warn ?? (() => {}) });
  const emit: Emit = (e) => reporters.onEvent(e);
  const signal = options.signal ?? new AbortController().signal;
  const pause = options.pause?.(emit);

  const results: RunResult[] = new Array(plans.length);
  let next = 0;
  const worker = async () => {
    while (next < plans.length && !signal.aborted) {
      const i = next++;
      const plan = plans[i]!;
      results[i] = await runPlan({
        plan,
        driver: await driverFor(plan.guest),
        info: { runId: runSlug(plan), scenario: plan.name, guest: plan.guest, profile: plan.profile.name, kernel: plan.kernel.name, outputDir: outputs[i]! },
        emit,
        accel,
        ovmf,
        cacheDir,
        redactor,
        keepVm: options.keepVm ?? false,
        signal,
        nixpkgs: options.nixpkgs,
        ...(pause && { pause }),
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.workers ?? 1, plans.length) }, worker));
  const done = results.filter(Boolean);
  await reporters.onEnd(done);
  return {
    results: done,
    outputs,
    aborted: signal.aborted,
    passed: !signal.aborted && done.length === plans.length && done.every((r) => r.status === 'passed'),
  };
}

/** One folder per plan; the kernel is in the name only when the scenario is a kernel matrix. */
export function outputFolders(plans: Plan[], output?: string): string[] {
  return plans.map((p) => {
    if (output) return plans.length === 1 ? resolve(output) : resolve(output, runSlug(p));
    const kernels = new Set(plans.filter((q) => q.name === p.name && q.guest === p.guest).map((q) => q.kernel.name));
    return resolve(defaultOutputDirName(p.name, kernels.size > 1 ? `${p.guest}-${p.kernel.name}` : p.guest));
  });
}

/** Where several runs' index.html goes: the `output` parent, or `darlings-results/`. */
export function indexFolder(output?: string): string {
  return resolve(output ?? DEFAULT_RESULTS_ROOT);
}
