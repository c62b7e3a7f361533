/**
 * `from: <scenario>@<stage>`: the base scenario is found and loaded with the scenario itself, so a
 * missing or unusable base is a ScenarioError at the `from:` key before anything starts.
 */
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plan } from './plan.ts';

/** The scenarios shipped with darlings, a `from:` base a user's own scenario may name. */
export const SHIPPED_SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/**
 * Where a `from:` base lives: beside the scenario first, then among the shipped scenarios.
 * @example await findBaseFile('/repo/ci/mine.yaml', 'blog-xps13') // { file: '/repo/ci/blog-xps13.yaml', shipped: false }, or the shipped one
 */
export async function findBaseFile(scenarioFile: string, base: string): Promise<{ file: string; shipped: boolean } | undefined> {
  for (const dir of [dirname(scenarioFile), SHIPPED_SCENARIOS_DIR]) {
    const file = join(dir, `${base}.yaml`);
    if (await access(file).then(() => true, () => false)) return { file, shipped: dir === SHIPPED_SCENARIOS_DIR };
  }
  return undefined;
}

/**
 * The plan a `from:` run boots with: the base's install (disk, LUKS, btrfs, user, opt-in
 * configuration), and this scenario's own boots and checks (wrong passphrases, canaries,
 * expectations, timeouts). From `first-boot`, the canaries and service state are the base's too:
 * its first boot wrote them.
 */
export function mergeOntoBase(plan: Plan, base: Plan): Plan {
  const firstBoot = plan.from?.checkpoint === 'first-boot';
  return {
    ...plan,
    hostname: base.hostname,
    disk: base.disk,
    partitions: base.partitions,
    luks: { ...base.luks, wrongPassphrases: plan.luks.wrongPassphrases },
    btrfs: base.btrfs,
    user: base.user,
    rollback: base.rollback,
    initrd: base.initrd,
    persist: base.persist,
    nixosExtraConfig: base.nixosExtraConfig,
    ...(firstBoot && { serviceState: base.serviceState, canaries: base.canaries }),
    secrets: [...new Set([...plan.secrets, ...base.secrets])],
  };
}
