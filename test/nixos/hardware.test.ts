import { describe, expect, it } from 'vitest';
import { hardwareProblems, mountsModule, standInHardwareConfiguration } from '../../harness/guests/nixos/index.ts';
import { blogXps13Plan } from './plan.ts';

/** What 24.05's nixos-generate-config writes for the blog's layout (subvol= only, no compress). */
const GENERATED = `{ config, lib, pkgs, modulesPath, ... }:
{
  fileSystems."/" = { device = "/dev/disk/by-uuid/f73c"; fsType = "btrfs"; options = [ "subvol=root" ]; };
  boot.initrd.luks.devices."enc".device = "/dev/disk/by-uuid/050d";
  fileSystems."/home" = { device = "/dev/disk/by-uuid/f73c"; fsType = "btrfs"; options = [ "subvol=home" ]; };
  fileSystems."/nix" = { device = "/dev/disk/by-uuid/f73c"; fsType = "btrfs"; options = [ "subvol=nix" ]; };
  fileSystems."/persist" = { device = "/dev/disk/by-uuid/f73c"; fsType = "btrfs"; options = [ "subvol=persist" ]; };
  fileSystems."/var/log" = { device = "/dev/disk/by-uuid/f73c"; fsType = "btrfs"; options = [ "subvol=log" ]; };
  fileSystems."/boot" = { device = "/dev/disk/by-uuid/8CE7-3C76"; fsType = "vfat"; };
}
`;

describe('hardware', () => {
  it("mounts.nix adds the blog's mount options to every subvolume", () => {
    const text = mountsModule(blogXps13Plan());
    for (const mountPoint of ['/', '/home', '/nix', '/persist', '/var/log']) {
      expect(text).toContain(`fileSystems."${mountPoint}".options = [ "compress=zstd" "noatime" ];`);
    }
  });

  it('the stand-in looks like the generated file: subvol per mount point, LUKS device, ESP, swap', () => {
    const text = standInHardwareConfiguration(blogXps13Plan());
    expect(hardwareProblems(text, blogXps13Plan())).toEqual([]);
    expect(text).toContain('swapDevices = [');
  });

  it('accepts what nixos-generate-config writes for the layout', () => {
    expect(hardwareProblems(GENERATED, blogXps13Plan())).toEqual([]);
  });

  it('names what is missing from a generated file', () => {
    const broken = GENERATED.replace(/.*luks.*\n/, '').replace('"subvol=log"', '"subvol=root"');
    expect(hardwareProblems(broken, blogXps13Plan())).toEqual([
      'fileSystems."/var/log" does not mount subvol=log',
      'no boot.initrd.luks.devices."enc" entry',
    ]);
  });
});
