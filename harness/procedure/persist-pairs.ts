/**
 * The opt-in state of a plan as (live path, persisted path) pairs: `environment.etc` entries map
 * /etc/<name> to their source, `L` tmpfiles rules map their path to their target. The procedure
 * copies along these pairs, as the blog does by hand.
 */
import type { PlanPersist } from '../scenario/plan.ts';
import { parseLinkRule } from '../scenario/tmpfiles.ts';

export interface PersistPair {
  /** Where the system uses it, e.g. /etc/machine-id. */
  live: string;
  /** Where it is kept, e.g. /persist/etc/machine-id. */
  kept: string;
  via: 'etc' | 'tmpfiles';
}

/**
 * @example
 * persistPairs({ etc: { 'machine-id': '/persist/etc/machine-id' }, tmpfiles: [], copy: [] })
 * // [{ live: '/etc/machine-id', kept: '/persist/etc/machine-id', via: 'etc' }]
 */
export function persistPairs(persist: PlanPersist, mapEtc: (name: string) => string | null = (n) => n): PersistPair[] {
  const pairs: PersistPair[] = [];
  for (const [name, source] of Object.entries(persist.etc)) {
    const mapped = mapEtc(name);
    if (mapped === null) continue;
    pairs.push({ live: `/etc/${mapped}`, kept: mapped === name ? source : source.replace(new RegExp(`/etc/${name}$`), `/etc/${mapped}`), via: 'etc' });
  }
  for (const rule of persist.tmpfiles) {
    const link = parseLinkRule(rule);
    if (link) pairs.push({ live: link.path, kept: link.target, via: 'tmpfiles' });
  }
  return pairs;
}
