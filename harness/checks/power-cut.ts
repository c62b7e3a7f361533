/** After a power cut: btrfs reports no device errors and a scrub finds nothing to fix. */
import { fail, look, pass, type Check } from './check.ts';
import { midWrite, syncedKept } from './power-cut-evidence.ts';

/** Non-zero counters in `btrfs device stats` output ("[/dev/mapper/enc].write_io_errs 0"). */
export function nonZeroStats(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /\s(\d+)$/.test(l) && !/\s0$/.test(l));
}

export const btrfsClean: Check = {
  id: 'power-cut.btrfs-clean',
  holds: 'after the power cut, btrfs device stats are zero and a scrub finds no errors',
  async run(ctx) {
    const stats = await look(ctx, 'btrfs device stats /');
    const bad = nonZeroStats(stats.out);
    const scrub = await look(ctx, 'btrfs scrub start -B /');
    const scrubErrors = /(\d+) errors? (found|detected)|Error summary:\s+(?!no errors)/i.exec(scrub.out);
    const noErrors = /Error summary:\s+no errors found|with 0 errors/i.test(scrub.out);
    if (!stats.ok || bad.length) return fail(`btrfs device stats: ${bad.join(', ') || stats.out}`);
    if (!scrub.ok || (scrubErrors && !noErrors)) return fail(`btrfs scrub: ${scrub.out.split('\n').slice(-4).join(' ')}`);
    return pass('device stats all zero; scrub found no errors');
  },
};

export const POWER_CUT_CHECKS: readonly Check[] = [midWrite, syncedKept, btrfsClean];
