import { describe, expect, it } from 'vitest';
import { configurationNix, extraModule } from '../../harness/guests/nixos/index.ts';
import { blogXps13Plan, planWith } from './plan.ts';

describe('configuration.nix', () => {
  it("carries the blog's settings with the plan's hostname and user", () => {
    const text = configurationNix(blogXps13Plan());
    for (const line of [
      './hardware-configuration.nix',
      'boot.supportedFilesystems = [ "btrfs" ];',
      'hardware.enableAllFirmware = true;',
      'nixpkgs.config.allowUnfree = true;',
      'boot.loader.systemd-boot.enable = true;',
      'boot.loader.efi.canTouchEfiVariables = true;',
      'networking.hostName = "apollo";',
      'networking.networkmanager.enable = true;',
      'users.users.delta = {',
      'isNormalUser = true;',
      'extraGroups = [ "wheel" ];',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('takes system.stateVersion from the release of the nixpkgs the plan was loaded for', () => {
    expect(configurationNix(planWith({ nixosRelease: '26.05' }))).toContain('system.stateVersion = "26.05";');
    expect(configurationNix(planWith({ nixosRelease: '24.05' }))).toContain('system.stateVersion = "24.05";');
  });

  it('without a known release, system.stateVersion is the installing nixpkgs\' own release', () => {
    const text = configurationNix(planWith({}));
    expect(text).toContain('system.stateVersion = lib.trivial.release;');
    expect(text).not.toMatch(/stateVersion = "\d/);
  });

  it('imports the mount options, opt-in and harness modules', () => {
    const text = configurationNix(blogXps13Plan());
    expect(text).toContain('./mounts.nix');
    expect(text).toContain('./optin.nix');
    expect(text).toContain('./darlings.nix');
  });

  it('uses the latest kernel only for kernel: latest', () => {
    expect(configurationNix(planWith({ kernel: { name: 'latest' } }))).toContain(
      'boot.kernelPackages = pkgs.linuxPackages_latest;',
    );
    expect(configurationNix(planWith({ kernel: { name: 'default' } }))).not.toContain('kernelPackages');
  });

  it('rejects a kernel name the nixos guest does not know', () => {
    expect(() => configurationNix(planWith({ kernel: { name: 'backports' } }))).toThrow(/default or latest/);
  });

  it('leaves the desktop off by default and enables plasma5 with sddm on request', () => {
    expect(configurationNix(blogXps13Plan())).not.toContain('xserver');
    const desktop = configurationNix(blogXps13Plan(), { desktop: true });
    expect(desktop).toContain('services.xserver.enable = true;');
    expect(desktop).toContain('services.displayManager.sddm.enable = true;');
    expect(desktop).toContain('services.xserver.desktopManager.plasma5.enable = true;');
  });

  it('reads the password hash from /persist and never holds the password', () => {
    const plan = blogXps13Plan();
    const text = configurationNix(plan);
    expect(text).toContain('hashedPasswordFile = "/persist/passwords/delta";');
    expect(text).not.toContain(plan.user.password);
  });

  it('puts nixos.extraConfig verbatim in a module of its own, imported by configuration.nix', () => {
    const plan = planWith({ nixosExtraConfig: 'virtualisation.docker.enable = true;' });
    expect(configurationNix(plan)).toContain('./extra.nix');
    expect(configurationNix(plan)).not.toContain('docker');
    expect(extraModule(plan)).toContain('  virtualisation.docker.enable = true;');
    expect(extraModule(blogXps13Plan())).toMatch(/\{\n\}\n$/);
  });

  it('quotes a hostname or user name that is not a Nix identifier', () => {
    const text = configurationNix(planWith({ hostname: 'a"b', user: { name: 'let', password: 'x', passwordVia: 'configuration' } }));
    expect(text).toContain('networking.hostName = "a\\"b";');
    expect(text).toContain('users.users."let" = {');
  });
});
