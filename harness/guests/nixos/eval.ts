/**
 * `darlings eval`: evaluate, without building, the target system of a Plan and the installer ISO
 * with a given nixpkgs. Catches what only NixOS's module system sees (a second kernelPackages,
 * postDeviceCommands under systemd stage 1, a typo in nixosExtraConfig) in seconds, on any host
 * with Nix, instead of after a VM boot and an install.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AbortedError, CheckFailed } from '../../errors.ts';
import type { Plan } from '../../scenario/plan.ts';
import type { ConfigurationOptions } from './configuration.ts';
import { nixosConfigFiles } from './files.ts';
import { standInHardwareConfiguration } from './hardware.ts';
import { isoNixPath } from './image.ts';
import { nixErrorText, runNix } from './nix-tools.ts';
import { FLAKE_EVAL_FILE } from './own.ts';

/** Evaluation failed: the configuration is wrong. Carries nix's whole stderr and exit code. */
export class NixEvalFailed extends CheckFailed {
  override name = 'NixEvalFailed';
  constructor(
    message: string,
    readonly attr: string,
    readonly exitCode: number,
    readonly nixStderr: string,
  ) {
    super(message);
  }
}

export interface EvalOptions extends ConfigurationOptions {
  /** A nixpkgs tree; without it `<nixpkgs>` comes from NIX_PATH. Falls back to `plan.nixpkgs`. */
  nixpkgs?: string;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  /** The installer's configuration (default images/nixos/iso.nix). */
  isoConfig?: string;
  /** Evaluate the installer ISO too (default true); false checks only the scenario's system. */
  iso?: boolean;
}

export interface EvalResult {
  /** `config.system.build.toplevel` of the target. */
  toplevelDrv: string;
  /** `config.system.build.isoImage` of the installer ('' when `iso: false`). */
  isoDrv: string;
  durationMs: number;
}

/**
 * Evaluates the plan's system and the installer ISO; both .drv paths, or CheckFailed with nix's
 * error text; HostError when Nix is missing.
 *
 * @example
 * const { toplevelDrv, isoDrv } = await evalScenario(plan, { nixpkgs: '/work/nixpkgs-24.05' });
 */
export async function evalScenario(plan: Plan, options: EvalOptions = {}): Promise<EvalResult> {
  const startedAt = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'darlings-nixos-eval-'));
  try {
    const files = { ...nixosConfigFiles(plan, options), 'hardware-configuration.nix': standInHardwareConfiguration(plan) };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), text, { mode: 0o600 });
    }
    const nixpkgs = options.nixpkgs ?? plan.nixpkgs;
    // Two evaluations of 1-2 GiB each; side by side they take the time of the longer one. The
    // first failure stops the other, so no nix-instantiate outlives the call.
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const run = { ...options, signal };
    const jobs = [
      plan.nixosOwn?.kind === 'flake'
        ? instantiate(join(dir, FLAKE_EVAL_FILE), '', `system of ${plan.name} (flake ${plan.nixosOwn.dir}#${plan.nixosOwn.name ?? ''})`, nixpkgs, run)
        : instantiate(join(dir, 'configuration.nix'), 'config.system.build.toplevel', `system of ${plan.name}`, nixpkgs, run),
      options.iso === false ? Promise.resolve('') : instantiate(options.isoConfig ?? isoNixPath(), 'config.system.build.isoImage', 'installer ISO', nixpkgs, run),
    ].map((job) => job.catch((error: unknown) => { stop.abort(); throw error; }));
    const settled = await Promise.allSettled(jobs);
    const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length > 0) throw failures.find((e) => !(e instanceof AbortedError)) ?? failures[0];
    const [toplevelDrv, isoDrv] = settled.map((r) => (r.status === 'fulfilled' ? r.value : '')) as [string, string];
    return { toplevelDrv, isoDrv, durationMs: Date.now() - startedAt };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * One `nix-instantiate '<nixpkgs/nixos>' -A attr` with `config` as nixos-config, or, with no
 * attr, `nix-instantiate config` (a file that is the system, as darlings-flake-eval.nix); the
 * .drv path it prints.
 */
async function instantiate(
  config: string,
  attr: string,
  what: string,
  nixpkgs: string | undefined,
  options: EvalOptions,
): Promise<string> {
  const args = attr ? ['<nixpkgs/nixos>', '-A', attr, '-I', `nixos-config=${config}`] : [config];
  if (nixpkgs) args.push('-I', `nixpkgs=${nixpkgs}`);
  const result = await runNix('nix-instantiate', args, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const drv = result.stdout.trim().split('\n').pop() ?? '';
  if (result.exitCode !== 0 || !drv.endsWith('.drv')) {
    throw new NixEvalFailed(
      `nix-instantiate could not evaluate the ${what} (${attr}${nixpkgs ? `, nixpkgs ${nixpkgs}` : ''}):\n` +
        nixErrorText(result.stderr),
      attr,
      result.exitCode,
      result.stderr,
    );
  }
  return drv;
}
