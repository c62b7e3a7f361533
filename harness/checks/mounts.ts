/**
 * mounts.options, judged where it can be: btrfs applies the first mount's options (compress=…)
 * to the whole filesystem and /proc/self/mounts shows them on every subvolume, so a subvolume
 * declared without compress=zstd looks compressed there. What can be judged: the options each
 * subvolume is declared with for boot (/etc/fstab: the stand-in's from hardware.conf, NixOS's
 * from fileSystems), the subvol and per-mount (VFS) options actually mounted at each mount
 * point, and how data written under each mount is stored (compsize).
 */
import { randomBytes } from 'node:crypto';
import { shQuote } from '../util/shell.ts';
import { InfraError } from '../errors.ts';
import { fail, lookAll, pass, type Check, type Looked } from './check.ts';
import { parseCompsize, parseFstab, parseMountinfo } from './parse.ts';

/** Options the VFS keeps per mount (shown per mount in mountinfo's sixth field). */
const PER_MOUNT = new Set(['noatime', 'relatime', 'strictatime', 'nodiratime', 'ro', 'rw', 'nosuid', 'nodev', 'noexec']);

export interface MountsSeen {
  fstab: Looked;
  mountinfo: Looked;
  /** Mount point -> `compsize -b` of a compressible probe file written and synced there. */
  compsize: Record<string, Looked>;
}

/** 1 MiB of text, which zstd shrinks to a few KiB. */
const PROBE_BYTES = 1 << 20;

const hasOption = (options: string[], opt: string) => options.some((o) => o === opt || o.startsWith(`${opt}:`));

export const mountOptions: Check<MountsSeen> = {
  id: 'mounts.options',
  holds: 'each subvolume is declared and mounted with its subvol, compress=zstd and noatime, and data under it is stored zstd-compressed',
  async gather(ctx) {
    const name = `.darlings-compsize-${randomBytes(4).toString('hex')}`;
    const probes = Object.fromEntries(
      ctx.plan.btrfs.subvolumes.map((s) => {
        const f = shQuote(`${s.mountPoint.replace(/\/$/, '')}/${name}`);
        // Written, synced so the extents are on disk, measured, removed again.
        return [s.mountPoint, `yes darlings-compsize-probe | head -c ${PROBE_BYTES} > ${f} && sync ${f} && compsize -b ${f}; rc=$?; rm -f ${f}; exit $rc`];
      }),
    );
    const r: Record<string, Looked> = await lookAll<string>(ctx, { fstab: 'cat /etc/fstab', mountinfo: 'cat /proc/self/mountinfo', ...probes });
    const compsize: Record<string, Looked> = {};
    for (const s of ctx.plan.btrfs.subvolumes) {
      const c = r[s.mountPoint]!;
      // The harness's image lacks the tool: not a verdict on the system.
      if (c.status === 127) throw new InfraError(`compsize is not installed on the target (${c.out.trim()}): the image needs btrfs-compsize`);
      compsize[s.mountPoint] = c;
    }
    return { fstab: r.fstab!, mountinfo: r.mountinfo!, compsize };
  },
  judge(g, { plan }) {
    const fstab = parseFstab(g.fstab.out);
    const mounts = parseMountinfo(g.mountinfo.out);
    const problems: string[] = [];
    const seen: string[] = [];
    if (g.fstab.status !== 0) problems.push(`/etc/fstab cannot be read: ${g.fstab.out.trim()}`);
    for (const sv of plan.btrfs.subvolumes) {
      const mp = sv.mountPoint;
      const subvolOk = (v: string | undefined) => v === `/${sv.name}` || v === sv.name;
      // Declared for boot.
      const d = fstab.filter((e) => e.mountPoint === mp).pop();
      if (g.fstab.status === 0 && !d) problems.push(`${mp} is not declared in /etc/fstab`);
      else if (d) {
        const sub = d.options.find((o) => o.startsWith('subvol='))?.slice('subvol='.length);
        if (d.fsType !== 'btrfs') problems.push(`${mp} is declared as ${d.fsType}, not btrfs`);
        if (!subvolOk(sub)) problems.push(`${mp} is declared with subvol=${sub ?? '(none)'}, not ${sv.name}`);
        for (const opt of plan.btrfs.mountOptions) if (!hasOption(d.options, opt)) problems.push(`${mp} is declared without ${opt} (${d.options.join(',')})`);
      }
      // Mounted now.
      const m = mounts.filter((e) => e.mountPoint === mp && e.fsType === 'btrfs').pop();
      if (!m) {
        problems.push(`${mp} is not mounted from btrfs`);
        continue;
      }
      if (!subvolOk(m.subvol)) problems.push(`${mp} has subvol=${m.subvol}, not /${sv.name}`);
      for (const opt of plan.btrfs.mountOptions.filter((o) => PER_MOUNT.has(o)))
        if (!m.mountOptions.includes(opt)) problems.push(`${mp} is mounted without ${opt} (${m.mountOptions.join(',')})`);
      // Stored.
      const c = g.compsize[mp];
      const wantZstd = plan.btrfs.mountOptions.some((o) => o === 'compress=zstd' || o.startsWith('compress=zstd:') || o === 'compress-force=zstd');
      if (wantZstd) {
        const rows = c ? parseCompsize(c.out) : [];
        const total = rows.find((r) => r.type === 'TOTAL');
        const zstd = rows.find((r) => r.type === 'zstd');
        if (!c || c.status !== 0 || !total) problems.push(`compsize under ${mp} failed: ${c?.out.trim() || 'not run'}`);
        else if (!zstd || zstd.uncompressedBytes < total.uncompressedBytes)
          problems.push(`data written under ${mp} is not all zstd-compressed (${rows.filter((r) => r.type !== 'TOTAL').map((r) => `${r.type} ${r.uncompressedBytes} B`).join(', ')})`);
        else seen.push(`${mp}=${m.subvol} zstd ${total.uncompressedBytes}->${total.diskBytes} B`);
      } else seen.push(`${mp}=${m.subvol}`);
    }
    return problems.length ? fail(problems.join('; ')) : pass(`declared in /etc/fstab and mounted: ${seen.join(', ')}`);
  },
  see: () => ['cat /etc/fstab', 'findmnt -t btrfs', 'head -c 1M /dev/zero > ~/probe && sync ~/probe && sudo compsize ~/probe; rm ~/probe'],
};
