import { describe, expect, it } from 'vitest';
import { parseListBoots, parseMountinfo, parseSubvolumeList, parseSwaps, unexpectedDrift } from '../../harness/checks/parse.ts';

const MOUNTINFO = `23 1 0:26 /root / rw,noatime shared:1 - btrfs /dev/mapper/enc rw,compress=zstd:3,space_cache=v2,subvolid=258,subvol=/root
24 23 0:26 /nix /nix rw,noatime shared:2 - btrfs /dev/mapper/enc rw,compress=zstd:3,space_cache=v2,subvolid=257,subvol=/nix
25 23 259:1 / /boot rw,relatime shared:3 - vfat /dev/nvme0n1p1 rw,fmask=0022
26 23 0:26 /log /var/log rw,noatime shared:4 - btrfs /dev/mapper/enc rw,compress=zstd:3,subvolid=260,subvol=/log
27 23 0:40 / /mnt/with\\040space rw - tmpfs tmpfs rw`;

describe('parsers for what the checks read', () => {
  it('reads mountinfo with per-mount and superblock options and the subvolume', () => {
    const m = parseMountinfo(MOUNTINFO);
    expect(m[0]).toMatchObject({ mountPoint: '/', source: '/dev/mapper/enc', fsType: 'btrfs', subvol: '/root' });
    expect(m[0]!.options).toEqual(expect.arrayContaining(['noatime', 'compress=zstd:3']));
    expect(m[4]!.mountPoint).toBe('/mnt/with space');
  });

  it('reads subvolume paths from btrfs subvolume list', () => {
    const out = 'ID 256 gen 20 top level 5 path root\nID 257 gen 9 top level 5 path home\nID 261 gen 8 top level 5 path root-blank\nID 262 gen 30 top level 256 path root/var/lib/machines\n';
    expect(parseSubvolumeList(out)).toEqual(['root', 'home', 'root-blank', 'root/var/lib/machines']);
  });

  it('reads boot ids from journalctl --list-boots (old and new formats)', () => {
    const old = '-1 5a1f8e7c8f0e4b2c9d3a1b2c3d4e5f60 Fri 2026-11-27 13:00:00 UTC—Fri 2026-11-27 13:05:00 UTC\n 0 0123456789abcdef0123456789abcdef Fri 2026-11-27 13:06:00 UTC—Fri 2026-11-27 13:07:00 UTC';
    expect(parseListBoots(old)).toEqual(['5a1f8e7c8f0e4b2c9d3a1b2c3d4e5f60', '0123456789abcdef0123456789abcdef']);
    const v252 = 'IDX BOOT ID                          FIRST ENTRY                 LAST ENTRY\n -1 5a1f8e7c8f0e4b2c9d3a1b2c3d4e5f60 Fri 2026-11-27 13:00:00 UTC Fri 2026-11-27 13:05:00 UTC';
    expect(parseListBoots(v252)).toEqual(['5a1f8e7c8f0e4b2c9d3a1b2c3d4e5f60']);
  });

  it('reads swap devices from /proc/swaps', () => {
    expect(parseSwaps('Filename\tType\tSize\tUsed\tPriority\n/dev/nvme0n1p2 partition\t262140\t0\t-2\n')).toEqual(['/dev/nvme0n1p2']);
  });

  it('lists drift outside the allowlist only', () => {
    expect(unexpectedDrift(['/etc/ssh/ssh_host_ed25519_key', '/root/.bash_history', ''], ['^/etc/ssh/ssh_host_'])).toEqual(['/root/.bash_history']);
  });
});
