import { describe, expect, it } from 'vitest';
import { builtinRollbackScript, optinModule } from '../../harness/guests/nixos/index.ts';
import { blogXps13Plan, planWith } from './plan.ts';

describe('optin.nix', () => {
  it("persists the blog's /etc entries and links its NetworkManager state", () => {
    const text = optinModule(blogXps13Plan());
    expect(text).toContain('nixos.source = "/persist/etc/nixos";');
    expect(text).toContain('"NetworkManager/system-connections".source = "/persist/etc/NetworkManager/system-connections";');
    expect(text).toContain('machine-id.source = "/persist/etc/machine-id";');
    expect(text).toContain('NIXOS.source = "/persist/etc/NIXOS";');
    expect(text).toContain('"L /var/lib/NetworkManager/secret_key - - - - /persist/var/lib/NetworkManager/secret_key"');
  });

  it('mounts /persist and /var/log in stage 1', () => {
    const text = optinModule(blogXps13Plan());
    expect(text).toContain('fileSystems."/persist".neededForBoot = true;');
    expect(text).toContain('fileSystems."/var/log".neededForBoot = true;');
    expect(text).not.toContain('fileSystems."/home".neededForBoot');
  });

  it("turns off sudo's lecture", () => {
    expect(optinModule(blogXps13Plan())).toMatch(/security\.sudo\.extraConfig = ''[\s\S]*Defaults lecture = never/);
  });

  it('initrd scripted: rolls back in postDeviceCommands with mkBefore', () => {
    const text = optinModule(planWith({ initrd: 'scripted' }));
    expect(text).toContain("boot.initrd.postDeviceCommands = lib.mkBefore ''");
    expect(text).toContain('mount -o subvol=/ /dev/mapper/enc /mnt');
    expect(text).toContain('btrfs subvolume snapshot /mnt/root-blank /mnt/root');
    expect(text).toContain('boot.initrd.systemd.enable = false;');
    expect(text).not.toContain('boot.initrd.systemd.services');
  });

  it('initrd systemd: a stage-1 unit after the LUKS mapping and before sysroot.mount', () => {
    const text = optinModule(planWith({ initrd: 'systemd' }));
    expect(text).toContain('boot.initrd.systemd.enable = true;');
    expect(text).toContain('boot.initrd.systemd.services.rollback = {');
    expect(text).toContain('wantedBy = [ "initrd.target" ];');
    expect(text).toContain('requires = [ "systemd-cryptsetup@enc.service" ];');
    expect(text).toContain('after = [ "systemd-cryptsetup@enc.service" ];');
    expect(text).toContain('before = [ "sysroot.mount" ];');
    expect(text).toContain('unitConfig.DefaultDependencies = "no";');
    expect(text).toContain('serviceConfig.Type = "oneshot";');
    expect(text).toContain('boot.initrd.systemd.extraBin.btrfs = "${pkgs.btrfs-progs}/bin/btrfs";');
    expect(text).toContain('btrfs subvolume delete /mnt/root');
    expect(text).not.toContain('postDeviceCommands');
  });

  it('escapes a LUKS mapping name the way systemd names its cryptsetup unit', () => {
    const text = optinModule(planWith({ initrd: 'systemd', luks: { ...blogXps13Plan().luks, mapping: 'crypt-root' } }));
    expect(text).toContain('"systemd-cryptsetup@crypt\\\\x2droot.service"');
  });

  it('rollback none: no rollback at all', () => {
    for (const initrd of ['scripted', 'systemd'] as const) {
      const text = optinModule(planWith({ initrd, rollback: { kind: 'none' } }));
      expect(text).not.toContain('postDeviceCommands');
      expect(text).not.toContain('services.rollback');
      expect(text).not.toContain('btrfs subvolume');
    }
  });

  it("rollback script: the user's text, with ${ and '' escaped for Nix", () => {
    const source = "#!/bin/sh\necho ''quoted'' ${HOME}\nbtrfs subvolume delete /mnt/root\n";
    const text = optinModule(planWith({ rollback: { kind: 'script', path: '/s/rb.sh', source } }));
    expect(text).toContain("echo '''quoted''' ''${HOME}");
    expect(text).not.toContain('restoring blank');
  });

  it('frames the rollback with the console lines the harness waits for', () => {
    const text = optinModule(blogXps13Plan());
    expect(text).toContain('echo "darlings-initrd: rollback begin"');
    expect(text).toContain('echo "darlings-initrd: rollback end status=$darlings_status"');
  });

  it("a scenario's own unit keys reach the Nix service", () => {
    const text = optinModule(planWith({ initrd: 'systemd', rollbackUnit: { name: 'wipe', after: ['initrd-root-device.target'] } }));
    expect(text).toContain('boot.initrd.systemd.services.wipe = {');
    expect(text).toContain('after = [ "initrd-root-device.target" ];');
    expect(text).not.toContain('systemd-cryptsetup@');
  });

  it("the built-in script follows the blog's order and the plan's names", () => {
    const plan = planWith({ btrfs: { ...blogXps13Plan().btrfs, blankSnapshot: 'blank' } });
    const script = builtinRollbackScript(plan);
    const order = [
      'mount -o subvol=/ /dev/mapper/enc /mnt',
      'btrfs subvolume list -o /mnt/root',
      "cut -f9 -d' '",
      'btrfs subvolume delete "/mnt/$subvolume"',
      'btrfs subvolume delete /mnt/root',
      'btrfs subvolume snapshot /mnt/blank /mnt/root',
      'umount /mnt',
    ].map((step) => script.indexOf(step));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});
