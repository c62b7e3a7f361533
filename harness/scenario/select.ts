/**
 * Choosing what runs, as pure functions (STYLE.md 7): `--shard I/N`, `--grep`, and the entries
 * `darlings list --json` prints for CI matrices.
 */
import { ScenarioError } from '../errors.ts';
import type { Plan } from './plan.ts';

/** One line of `darlings list --json`. */
export interface ListEntry {
  /** Stable: `<scenario>/<guest>/<kernel>`, e.g. `blog-xps13/debian/bookworm`. */
  id: string;
  scenario: string;
  guest: string;
  kernel: string;
  profile: string;
  file: string;
  /** Stage 1 form: CI picks a nixpkgs that still has the scripted stage 1 for `scripted`. */
  initrd: 'scripted' | 'systemd';
}

/**
 * The stable id of a plan.
 * @example planId(plan) // 'blog-xps13/debian/bookworm'
 */
export function planId(plan: Pick<Plan, 'name' | 'guest' | 'kernel'>): string {
  return `${plan.name}/${plan.guest}/${plan.kernel.name}`;
}

/**
 * The `index`-th of `total` contiguous, near-equal slices (1-based, like `--shard 2/3`). Every item
 * lands in exactly one shard; earlier shards get the extra items.
 * @example shard(['a', 'b', 'c', 'd', 'e'], 2, 2) // ['d', 'e']
 */
export function shard<T>(items: readonly T[], index: number, total: number): T[] {
  if (!Number.isInteger(total) || total < 1) {
    throw new ScenarioError(`Expected the shard count to be a positive integer, got \`${total}\``);
  }
  if (!Number.isInteger(index) || index < 1 || index > total) {
    throw new ScenarioError(`Expected the shard index to be an integer from 1 to ${total}, got \`${index}\``);
  }
  const base = Math.floor(items.length / total);
  const extra = items.length % total;
  const start = (index - 1) * base + Math.min(index - 1, extra);
  const size = base + (index <= extra ? 1 : 0);
  return items.slice(start, start + size);
}

/**
 * Parses `--shard I/N`.
 * @example parseShard('2/3') // { index: 2, total: 3 }
 */
export function parseShard(text: string): { index: number; total: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || total < 1 || index < 1 || index > total) {
    throw new ScenarioError(`Expected \`--shard\` to be I/N with 1 ≤ I ≤ N, like \`2/3\`, got \`${text}\``);
  }
  return { index, total };
}

/**
 * The plans whose id matches `pattern` (`--grep`); a string is compiled as a regular expression.
 * @example grep(plans, 'debian').every((p) => p.guest === 'debian')
 */
export function grep(plans: readonly Plan[], pattern: string | RegExp): Plan[] {
  let re: RegExp;
  try {
    re = typeof pattern === 'string' ? new RegExp(pattern) : new RegExp(pattern.source, pattern.flags.replace('g', ''));
  } catch (error) {
    const why = (error as Error).message;
    throw new ScenarioError(`Expected \`--grep\` to be a valid regular expression, got \`${String(pattern)}\` (${why})`);
  }
  return plans.filter((plan) => re.test(planId(plan)));
}

/**
 * What would run, one entry a plan, for `darlings list --json`.
 * @example listEntries(plans)[0]?.id // 'blog-xps13/debian/bookworm'
 */
export function listEntries(plans: readonly Plan[]): ListEntry[] {
  return plans.map((plan) => ({
    id: planId(plan),
    scenario: plan.name,
    guest: plan.guest,
    kernel: plan.kernel.name,
    profile: plan.profile.name,
    file: plan.file,
    initrd: plan.initrd,
  }));
}
