/** Is the machine laid out as the blog builds it? LUKS2 under /, subvolumes, mount options, swap. */
import { shQuote } from '../util/shell.ts';
import { partitionPath } from '../procedure/install.ts';
import { fail, look, pass, type Check } from './check.ts';
import { parseMountinfo, parseSubvolumeList, parseSwaps } from './parse.ts';

export const rootEncrypted: Check = {
  id: 'luks.root-encrypted',
  holds: '/ lives on LUKS2 mapping enc on the NVMe\'s third partition',
  async run(ctx) {
    const mapping = ctx.plan.luks.mapping;
    const part = partitionPath(ctx.plan.disk.device, 3);
    const root = parseMountinfo((await look(ctx, 'cat /proc/self/mountinfo')).out).filter((m) => m.mountPoint === '/').pop();
    const status = (await look(ctx, `cryptsetup status ${shQuote(mapping)}`)).out;
    const dump = (await look(ctx, `cryptsetup luksDump ${shQuote(part)}`)).out;
    const problems: string[] = [];
    const dm = (await look(ctx, `readlink -f /dev/mapper/${mapping}`)).out.trim();
    if (!root || (root.source !== `/dev/mapper/${mapping}` && root.source !== dm)) problems.push(`/ is on ${root?.source ?? '?'}, not /dev/mapper/${mapping}`);
    if (!/type:\s+LUKS2/.test(status)) problems.push(`${mapping} is not an active LUKS2 mapping`);
    if (!new RegExp(`device:\\s+${part}\\b`).test(status)) problems.push(`${mapping} is not on ${part}`);
    if (!/^Version:\s+2$/m.test(dump)) problems.push(`${part} is not LUKS version 2`);
    return problems.length ? fail(problems.join('; ')) : pass(`/ on /dev/mapper/${mapping} (LUKS2 on ${part})`);
  },
};

export const btrfsLayout: Check = {
  id: 'btrfs.layout',
  holds: 'subvolumes root, home, nix, persist, log exist; root-blank is read-only',
  async run(ctx) {
    const paths = parseSubvolumeList((await look(ctx, `btrfs subvolume list ${shQuote(ctx.top)}`)).out);
    const want = [...ctx.plan.btrfs.subvolumes.map((s) => s.name), ctx.plan.btrfs.blankSnapshot];
    const missing = want.filter((w) => !paths.includes(w));
    const ro = (await look(ctx, `btrfs property get -ts ${shQuote(`${ctx.top}/${ctx.plan.btrfs.blankSnapshot}`)} ro`)).out.trim();
    const problems: string[] = [];
    if (missing.length) problems.push(`missing subvolumes: ${missing.join(', ')}`);
    if (ro !== 'ro=true') problems.push(`${ctx.plan.btrfs.blankSnapshot} is not read-only (${ro || 'no answer'})`);
    return problems.length ? fail(`${problems.join('; ')} (found: ${paths.join(', ')})`) : pass(`subvolumes: ${paths.join(', ')}; ${ctx.plan.btrfs.blankSnapshot} ro`);
  },
};

export const mountOptions: Check = {
  id: 'mounts.options',
  holds: 'each subvolume is mounted with its subvol, compress=zstd and noatime',
  async run(ctx) {
    const mounts = parseMountinfo((await look(ctx, 'cat /proc/self/mountinfo')).out);
    const problems: string[] = [];
    const seen: string[] = [];
    for (const sv of ctx.plan.btrfs.subvolumes) {
      const m = mounts.filter((e) => e.mountPoint === sv.mountPoint && e.fsType === 'btrfs').pop();
      if (!m) {
        problems.push(`${sv.mountPoint} is not mounted from btrfs`);
        continue;
      }
      if (m.subvol !== `/${sv.name}` && m.subvol !== sv.name) problems.push(`${sv.mountPoint} has subvol=${m.subvol}, not /${sv.name}`);
      for (const opt of ctx.plan.btrfs.mountOptions) {
        // The kernel shows compress=zstd as compress=zstd:3 (the default level).
        const ok = m.options.some((o) => o === opt || o.startsWith(`${opt}:`));
        if (!ok) problems.push(`${sv.mountPoint} lacks ${opt} (has ${m.options.join(',')})`);
      }
      seen.push(`${sv.mountPoint}=${m.subvol}`);
    }
    return problems.length ? fail(problems.join('; ')) : pass(seen.join(' '));
  },
};

export const swapActive: Check = {
  id: 'swap.active',
  holds: 'the swap partition is in use',
  async run(ctx) {
    const part = partitionPath(ctx.plan.disk.device, 2);
    const swaps = parseSwaps((await look(ctx, 'cat /proc/swaps')).out);
    const real = (await look(ctx, `readlink -f ${shQuote(part)}`)).out.trim();
    return swaps.includes(part) || swaps.includes(real) ? pass(`${part} in /proc/swaps`) : fail(`${part} is not in use as swap (in use: ${swaps.join(', ') || 'none'})`);
  },
};
