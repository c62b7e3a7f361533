import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imagesDir, nixosConfigFiles, standInHardwareConfiguration } from '../../harness/guests/nixos/index.ts';
import { nixString } from '../../harness/guests/nixos/nix-text.ts';
import type { Plan } from '../../harness/scenario/plan.ts';
import { hasNixInstantiate, nixParseError, nixParseFileError } from './nix-parse.ts';
import { planWith } from './plan.ts';

const rollbacks: Plan['rollback'][] = [
  { kind: 'builtin' },
  { kind: 'none' },
  { kind: 'script', path: '/s/rollback.sh', source: "#!/bin/sh\nset -eu\necho ''x'' \"${A:-b}\"\nexit 0\n" },
];
const combinations = (['scripted', 'systemd'] as const).flatMap((initrd) =>
  (['default', 'latest'] as const).flatMap((kernel) =>
    rollbacks.map((rollback) => ({ initrd, kernel, rollback, desktop: kernel === 'latest' })),
  ),
);

describe.skipIf(!hasNixInstantiate)('nix-instantiate --parse (needs nix-instantiate on PATH)', () => {
  it.each(combinations)('generated files parse: initrd $initrd, kernel $kernel, rollback $rollback.kind', (c) => {
    const plan = planWith({
      initrd: c.initrd,
      kernel: { name: c.kernel },
      rollback: c.rollback,
      nixosExtraConfig: 'virtualisation.docker.enable = true;\nenvironment.etc."x".text = \'\'\n  y\n\'\';',
    });
    const files = { ...nixosConfigFiles(plan, { desktop: c.desktop }), 'hardware-configuration.nix': standInHardwareConfiguration(plan) };
    for (const [name, text] of Object.entries(files)) {
      expect(nixParseError(text), name).toBeNull();
    }
  });

  it("generated files parse with a scenario's own unit and a mapping whose unit name has \\x2d", () => {
    const plan = planWith({
      initrd: 'systemd',
      luks: { ...planWith({}).luks, mapping: 'crypt-root' },
      rollbackUnit: { name: 'wipe-root', after: ['dev-disk-by\\x2dlabel-nixos.device'], bindsTo: ['dev-mapper-crypt\\x2droot.device'] },
    });
    const text = nixosConfigFiles(plan)['optin.nix']!;
    expect(nixParseError(text)).toBeNull();
    // The backslash survives as \\ in the Nix string, so the unit name keeps its \x2d.
    expect(text).toContain('"dev-disk-by\\\\x2dlabel-nixos.device"');
  });

  it('a unit name written by nixString evaluates to itself; typed by hand as "…\\x2d…", Nix drops the backslash', () => {
    const name = 'systemd-cryptsetup@crypt\\x2droot.service';
    const evaluate = (expr: string) => JSON.parse(execFileSync('nix-instantiate', ['--eval', '--json', '-E', expr], { encoding: 'utf8' })) as string;
    expect(evaluate(nixString(name))).toBe(name);
    expect(evaluate(`"${name}"`)).toBe('systemd-cryptsetup@cryptx2droot.service');
  });

  it('generated files parse with hostile names', () => {
    const plan = planWith({ hostname: 'a"${b}', user: { name: 'in', password: 'p', passwordVia: 'configuration' } });
    for (const [name, text] of Object.entries(nixosConfigFiles(plan))) {
      expect(nixParseError(text), name).toBeNull();
    }
  });

  it.each(readdirSync(imagesDir()).filter((f) => f.endsWith('.nix')))('images/nixos/%s parses', (file) => {
    expect(nixParseFileError(join(imagesDir(), file))).toBeNull();
  });

  it('the parser does reject broken text (the test can fail)', () => {
    expect(nixParseError('{ a = ; }')).toMatch(/syntax error/);
  });
});

describe('images/nixos/iso.nix', () => {
  it('never sets boot.kernelPackages (the new-kernel profile does) and leaves ZFS out', () => {
    const files = readdirSync(imagesDir()).filter((f) => f.endsWith('.nix'));
    const all = files.map((f) => nixFile(f)).join('\n');
    expect(all.split('\n').filter((l) => /^\s*boot\.kernelPackages\s*=/.test(l))).toEqual([]);
    expect(all).toContain('boot.supportedFilesystems.zfs = lib.mkForce false;');
    expect(nixFile('iso.nix')).toContain('installation-cd-minimal-new-kernel.nix');
    expect(nixFile('iso.nix')).toContain('installer/cd-dvd/channel.nix');
  });

  it("has the blog's firmware, unfree and tools, and the harness's console, key and ready lines", () => {
    const blog = nixFile('blog-installer.nix');
    for (const s of ['hardware.enableAllFirmware = true;', 'nixpkgs.config.allowUnfree = true;', 'wget', 'vim', 'git', 'tmux', 'gparted', 'nix-prefetch-scripts']) {
      expect(blog).toContain(s);
    }
    const harness = nixFile('harness-installer.nix');
    for (const s of ['./harness-common.nix', 'darlings.ready = "installer";', 'autologinUser = lib.mkForce "root"', 'cryptsetup', 'btrfs-progs', 'mkpasswd', 'PermitRootLogin = lib.mkForce "prohibit-password";']) {
      expect(harness).toContain(s);
    }
    const common = nixFile('harness-common.nix');
    for (const s of ['console=ttyS0,115200', '"qemu_fw_cfg"', 'opt/darlings/ssh-key/raw', 'darlings-hostkey:', 'darlings-ready: ${cfg.ready}']) {
      expect(common).toContain(s);
    }
  });
});

function nixFile(name: string): string {
  return readFileSync(join(imagesDir(), name), 'utf8');
}
