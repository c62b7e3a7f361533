import { describe, expect, it } from 'vitest';
import { luksFormatCommand, mountCommands, partitionPath, sfdiskScript, unmountOrder } from '../../harness/procedure/install.ts';
import { persistPairs } from '../../harness/procedure/persist-pairs.ts';
import { parseLinkRule } from '../../harness/scenario/tmpfiles.ts';
import { testPlan } from '../support/plan.ts';

describe('the blog\'s install commands', () => {
  const plan = testPlan();

  it('names NVMe partitions with the p', () => {
    expect(partitionPath('/dev/nvme0n1', 3)).toBe('/dev/nvme0n1p3');
    expect(partitionPath('/dev/sda', 3)).toBe('/dev/sda3');
  });

  it('partitions GPT: the ESP, swap, then the rest', () => {
    const s = sfdiskScript(plan);
    expect(s).toMatch(/^label: gpt\nsize=512MiB, type=U, name="boot"\nsize=256MiB, type=S, name="swap"\ntype=L, name="enc"\n$/);
  });

  it('formats LUKS2 with the scenario\'s pbkdf, reading the passphrase from stdin only', () => {
    const cmd = luksFormatCommand(plan);
    expect(cmd).toContain('luksFormat --type luks2 --pbkdf pbkdf2 --iter-time 100 --key-file - /dev/nvme0n1p3');
    expect(cmd).not.toContain(plan.luks.passphrase);
  });

  it('mounts root first with subvol, compress=zstd and noatime, then the others, then /boot', () => {
    const cmds = mountCommands(plan);
    expect(cmds[0]).toBe('mount -o subvol=root,compress=zstd,noatime /dev/mapper/enc /mnt');
    expect(cmds).toContain('mkdir -p /mnt/var/log');
    expect(cmds).toContain('mount -o subvol=log,compress=zstd,noatime /dev/mapper/enc /mnt/var/log');
    expect(cmds.slice(-2)).toEqual(['mkdir -p /mnt/boot', 'mount /dev/nvme0n1p1 /mnt/boot']);
  });
});

describe('after the install', () => {
  it('unmounts deepest first and / last', () => {
    expect(unmountOrder(testPlan())).toEqual(['/mnt/var/log', '/mnt/persist', '/mnt/nix', '/mnt/home', '/mnt/boot', '/mnt']);
  });
});

describe('opt-in state as (live, kept) pairs', () => {
  it('reads L rules, and ignores other tmpfiles types', () => {
    expect(parseLinkRule('L /var/lib/docker - - - - /persist/var/lib/docker')).toEqual({ path: '/var/lib/docker', target: '/persist/var/lib/docker' });
    expect(parseLinkRule('d /var/lib/x 0755 root root -')).toBeNull();
  });

  it('pairs environment.etc entries and L rules, mapping names the guest renames', () => {
    const pairs = persistPairs(
      { etc: { nixos: '/persist/etc/nixos', NIXOS: '/persist/etc/NIXOS', 'machine-id': '/persist/etc/machine-id' }, tmpfiles: ['L /var/lib/NetworkManager/secret_key - - - - /persist/var/lib/NetworkManager/secret_key'], copy: [] },
      (n) => (n === 'NIXOS' ? null : n === 'nixos' ? 'darlings' : n),
    );
    expect(pairs).toEqual([
      { live: '/etc/darlings', kept: '/persist/etc/darlings', via: 'etc' },
      { live: '/etc/machine-id', kept: '/persist/etc/machine-id', via: 'etc' },
      { live: '/var/lib/NetworkManager/secret_key', kept: '/persist/var/lib/NetworkManager/secret_key', via: 'tmpfiles' },
    ]);
  });
});
