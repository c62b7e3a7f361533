/** Is the machine laid out as the blog builds it? LUKS2 under /, the subvolumes, swap. */
import { shQuote } from '../util/shell.ts';
import { partitionPath } from '../procedure/install.ts';
import { fail, lookAll, pass, some, type Check, type Looked } from './check.ts';
import { parseMountinfo, parseSubvolumeList, parseSwaps } from './parse.ts';

export interface LuksSeen {
  mountinfo: Looked;
  status: Looked;
  dump: Looked;
  /** readlink -f /dev/mapper/<mapping>: the dm node / may be shown as. */
  dm: Looked;
}

export const rootEncrypted: Check<LuksSeen> = {
  id: 'luks.root-encrypted',
  holds: "/ lives on the plan's LUKS2 mapping (`enc` in the blog) on the NVMe's third partition",
  gather(ctx) {
    const mapping = shQuote(ctx.plan.luks.mapping);
    return lookAll(ctx, {
      mountinfo: 'cat /proc/self/mountinfo',
      status: `cryptsetup status ${mapping}`,
      dump: `cryptsetup luksDump ${shQuote(partitionPath(ctx.plan.disk.device, 3))}`,
      dm: `readlink -f /dev/mapper/${mapping}`,
    });
  },
  judge(g, { plan }) {
    const mapping = plan.luks.mapping;
    const part = partitionPath(plan.disk.device, 3);
    const root = parseMountinfo(g.mountinfo.out).filter((m) => m.mountPoint === '/').pop();
    const problems: string[] = [];
    const dm = g.dm.out.trim();
    if (!root || (root.source !== `/dev/mapper/${mapping}` && root.source !== dm)) problems.push(`/ is on ${root?.source ?? '?'}, not /dev/mapper/${mapping}`);
    if (g.status.status !== 0 || !/type:\s+LUKS2/.test(g.status.out)) problems.push(`${mapping} is not an active LUKS2 mapping`);
    if (!new RegExp(`device:\\s+${part}\\b`).test(g.status.out)) problems.push(`${mapping} is not on ${part}`);
    if (!/^Version:\s+2$/m.test(g.dump.out)) problems.push(`${part} is not LUKS version 2`);
    return problems.length ? fail(problems.join('; ')) : pass(`/ on /dev/mapper/${mapping} (LUKS2 on ${part})`);
  },
  see: (plan) => ['findmnt /', `sudo cryptsetup status ${plan.luks.mapping}`, `sudo cryptsetup luksDump ${partitionPath(plan.disk.device, 3)}`],
};

export const btrfsLayout: Check<{ list: Looked; ro: Looked }> = {
  id: 'btrfs.layout',
  holds: "the plan's subvolumes (root, home, nix, persist, log in the blog) exist; the blank snapshot is read-only",
  gather(ctx) {
    return lookAll(ctx, {
      list: `btrfs subvolume list ${shQuote(ctx.top)}`,
      ro: `btrfs property get -ts ${shQuote(`${ctx.top}/${ctx.plan.btrfs.blankSnapshot}`)} ro`,
    });
  },
  judge(g, { plan }) {
    const paths = parseSubvolumeList(g.list.out);
    const want = [...plan.btrfs.subvolumes.map((s) => s.name), plan.btrfs.blankSnapshot];
    const missing = want.filter((w) => !paths.includes(w));
    const ro = g.ro.out.trim();
    const problems: string[] = [];
    if (g.list.status !== 0) problems.push(`btrfs subvolume list failed: ${g.list.out.trim()}`);
    if (missing.length) problems.push(`missing subvolumes: ${missing.join(', ')}`);
    if (ro !== 'ro=true') problems.push(`${plan.btrfs.blankSnapshot} is not read-only (${ro || 'no answer'})`);
    return problems.length ? fail(`${problems.join('; ')} (found: ${some(paths)})`) : pass(`subvolumes: ${paths.join(', ')}; ${plan.btrfs.blankSnapshot} ro`);
  },
  see: (plan) => ['sudo btrfs subvolume list /mnt', `sudo btrfs property get -ts /mnt/${plan.btrfs.blankSnapshot} ro`],
};

export const swapActive: Check<{ swaps: Looked; real: Looked }> = {
  id: 'swap.active',
  holds: 'the swap partition is in use',
  gather(ctx) {
    return lookAll(ctx, { swaps: 'cat /proc/swaps', real: `readlink -f ${shQuote(partitionPath(ctx.plan.disk.device, 2))}` });
  },
  judge(g, { plan }) {
    const part = partitionPath(plan.disk.device, 2);
    const swaps = parseSwaps(g.swaps.out);
    const real = g.real.out.trim();
    return swaps.includes(part) || swaps.includes(real) ? pass(`${part} in /proc/swaps`) : fail(`${part} is not in use as swap (in use: ${swaps.join(', ') || 'none'})`);
  },
  see: () => ['cat /proc/swaps'],
};
