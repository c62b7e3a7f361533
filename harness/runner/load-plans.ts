/** Scenario files -> the Plans to run, filtered by --guest, --profile, --kernel, --grep, --shard. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expandPlans, grep, loadScenario, parseShard, planId, shard } from '../scenario/index.ts';
import type { Plan } from '../scenario/plan.ts';
import { REPO_ROOT } from '../guests/images.ts';

export interface SelectOptions {
  guest?: string;
  profile?: string;
  kernel?: string;
  grep?: string;
  shard?: string;
  timeoutScale?: number;
  /** nixos: the nixpkgs of the run; its release decides the default stage 1. */
  nixpkgs?: string;
}

export async function defaultScenarioFiles(): Promise<string[]> {
  const dir = join(REPO_ROOT, 'scenarios');
  return (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f));
}

export async function loadPlans(files: string[], o: SelectOptions): Promise<Plan[]> {
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
