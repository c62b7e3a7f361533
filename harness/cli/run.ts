/**
 * `darlings run`: the environment (CI, NO_COLOR, DARLINGS_OVMF_*, the terminal), the signals, and
 * the exit code around `runPlans`. Ctrl-C or SIGTERM stops the VMs and writes what was done,
 * marked `error`; a second Ctrl-C exits at once (QEMU dies with us).
 */
import { loadPlans, type SelectOptions } from '../runner/load-plans.ts';
import { defaultCacheDir } from '../guests/image-cache.ts';
import type { AccelChoice } from '../vm/accel.ts';
import { AbortedError, ScenarioError } from '../errors.ts';
import { PHASE_NAMES } from '../runner/phase-names.ts';

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
  // The runner and the reporters load only once the scenarios are valid: a bad one fails at once.
  const [{ indexFolder, runPlans }, { createReporters }, { createPause, parseDebugMode }] = await Promise.all([
    import('../runner/run-plans.ts'),
    import('../report/index.ts'),
    import('../debug/pause.ts'),
  ]);
  let debug: ReturnType<typeof parseDebugMode>;
  try {
    debug = parseDebugMode(o.debug);
  } catch (error) {
    throw new ScenarioError(error instanceof Error ? error.message : String(error));
  }
  const warn = (t: string) => process.stderr.write(`${t}\n`);

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
  try {
    const run = await runPlans(plans, {
      reporters: (redactor) => [
        createReporters(o.reporter.split(','), {
          stdout: process.stdout,
          isTTY: Boolean(process.stdout.isTTY) && !process.env.CI,
          color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
          width: process.stdout.columns,
          redactor,
          warn,
          ...(plans.length > 1 && { indexDir: indexFolder(o.output) }),
        }),
      ],
      ...(o.output !== undefined && { output: o.output }),
      accel: o.accel,
      keepVm: o.keepVm,
      workers: o.workers,
      ...(o.nixpkgs !== undefined && { nixpkgs: o.nixpkgs }),
      ovmf: { code: process.env.DARLINGS_OVMF_CODE, vars: process.env.DARLINGS_OVMF_VARS },
      cacheDir: defaultCacheDir(process.env),
      signal: controller.signal,
      warn,
      ...((debug !== 'off' || o.pauseBefore) && {
        pause: (emit) => ({ when: { debug, ...(o.pauseBefore && { beforePhase: o.pauseBefore }) }, pause: createPause({ emit, signal: controller.signal }) }),
      }),
    });
    if (run.aborted) return 130;
    return run.passed ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
