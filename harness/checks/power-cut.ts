/** After a power cut: btrfs reports no device errors and a scrub finds nothing to fix. */
import { fail, lookAll, pass, type AnyCheck, type Check, type Looked } from './check.ts';

/** Non-zero counters in `btrfs device stats` output ("[/dev/mapper/enc].write_io_errs 0"). */
export function nonZeroStats(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /\s(\d+)$/.test(l) && !/\s0$/.test(l));
}

export const btrfsClean: Check<{ stats: Looked; scrub: Looked }> = {
  id: 'power-cut.btrfs-clean',
  holds: 'after the power cut, btrfs device stats are zero and a scrub finds no errors',
  gather: (ctx) => lookAll(ctx, { stats: 'btrfs device stats /', scrub: 'btrfs scrub start -B /' }),
  judge({ stats, scrub }) {
    const bad = nonZeroStats(stats.out);
    const scrubErrors = /(\d+) errors? (found|detected)|Error summary:\s+(?!no errors)/i.exec(scrub.out);
    const noErrors = /Error summary:\s+no errors found|with 0 errors/i.test(scrub.out);
    if (stats.status !== 0 || bad.length) return fail(`btrfs device stats: ${bad.join(', ') || stats.out}`);
    if (scrub.status !== 0 || (scrubErrors && !noErrors)) return fail(`btrfs scrub: ${scrub.out.split('\n').slice(-4).join(' ')}`);
    return pass('device stats all zero; scrub found no errors');
  },
  see: () => ['sudo btrfs device stats /', 'sudo btrfs scrub start -B /'],
};

export const POWER_CUT_CHECKS: readonly AnyCheck[] = [btrfsClean];
