/** Scenario files -> the Plans to run, filtered by --guest, --profile, --kernel, --grep, --shard. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expandPlans, grep, loadScenario, parseShard, planId, shard } from '../scenario/index.ts';
import type { Plan } from '../scenario/plan.ts';
import { REPO_ROOT } from '../guests/images.ts';

/** Which runs of the scenarios to keep: the CLI's --guest, --profile, --kernel, --grep, --shard. */
export interface SelectOptions {
  /** Only this guest (`debian` or `nixos`); one file named alone must list it. */
  guest?: string;
  /** A hardware profile (images/profiles/<name>.yaml) instead of each scenario's. */
  profile?: string;
  /** Only this kernel of each scenario's matrix. */
  kernel?: string;
  /** Only runs whose id (`<scenario>/<guest>/<kernel>`) matches this regular expression. */
  grep?: string;
  /** `i/n`: only the i-th of n shards, for CI matrices. */
  shard?: string;
  /** Multiplies every timeout (slow hosts). */
  timeoutScale?: number;
  /** nixos: the nixpkgs of the run; its release decides the default stage 1. */
  nixpkgs?: string;
}

/**
 * `darlings list` without files: `scenarios/*.yaml` of the current directory (a user's repository,
 * or a clone of this one), or, where there is none, the scenarios shipped with the package.
 */
export async function defaultScenarioFiles(cwd = process.cwd()): Promise<string[]> {
  for (const dir of [join(cwd, 'scenarios'), join(REPO_ROOT, 'scenarios')]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    const yaml = names.filter((f) => f.endsWith('.yaml')).sort();
    if (yaml.length) return yaml.map((f) => join(dir, f));
  }
  return [];
}

/**
 * Loads and validates scenario files (anywhere: paths inside each are relative to it) and expands
 * them into the Plans to run, narrowed by `o`. Bad input throws a ScenarioError whose message
 * starts with `file:line:column`; nothing is started.
 *
 * @example
 * ```ts
 * const plans = await loadPlans(['ci/laptop.yaml'], { guest: 'debian' });
 * plans.map((p) => `${p.name}/${p.guest}/${p.kernel.name}`); // ['laptop/debian/bookworm']
 * ```
 */
export async function loadPlans(files: string[], o: SelectOptions = {}): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const file of files) {
    const scenario = await loadScenario(file, { ...(o.profile && { profile: o.profile }), ...(o.nixpkgs && { nixpkgs: o.nixpkgs }) });
    // Without --guest, `list` shows every guest; a file that does not list the guest is skipped
    // only when several files were given (one file asked for by name must fit).
    if (o.guest && files.length > 1 && !scenario.input.guests.includes(o.guest as Plan['guest'])) continue;
    plans.push(...expandPlans(scenario, { guest: o.guest, profile: o.profile, kernel: o.kernel, timeoutScale: o.timeoutScale }));
  }
  let selected = plans;
  if (o.grep) selected = grep(selected, o.grep);
  if (o.shard) {
    const { index, total } = parseShard(o.shard);
    selected = shard(selected, index, total);
  }
  return selected;
}

/** A folder-safe run id: `blog-xps13/debian/bookworm` -> `blog-xps13-debian-bookworm`. */
export function runSlug(plan: Plan): string {
  return planId(plan).replace(/[^\w.-]+/g, '-');
}
