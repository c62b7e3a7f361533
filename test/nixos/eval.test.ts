/**
 * Real NixOS evaluations of generated configurations. They need a nixpkgs tree (nixos-24.05):
 * set DARLINGS_NIXPKGS=/path/to/nixpkgs. Each evaluation takes 10-40 s and 1-2 GiB.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckFailed } from '../../harness/errors.ts';
import { evalScenario, isoNixPath, NixEvalFailed, nixosConfigFiles, standInHardwareConfiguration } from '../../harness/guests/nixos/index.ts';
import { blogXps13Plan, planWith } from './plan.ts';

const nixpkgs = process.env.DARLINGS_NIXPKGS;
const EVAL_TIMEOUT_MS = 5 * 60_000;

describe.skipIf(!nixpkgs)('evaluation (set DARLINGS_NIXPKGS to a nixos-24.05 tree to run)', () => {
  it(
    'the blog plan with the scripted stage 1 evaluates to a system and an ISO',
    async () => {
      const result = await evalScenario(planWith({ initrd: 'scripted' }), { nixpkgs: nixpkgs! });
      expect(result.toplevelDrv).toMatch(/^\/nix\/store\/.*-nixos-system-apollo-.*\.drv$/);
      expect(result.isoDrv).toMatch(/^\/nix\/store\/.*\.iso\.drv$/);
    },
    EVAL_TIMEOUT_MS,
  );

  it(
    'the shared harness module announces "installer" on the ISO and "target", host key on /run, on the target',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'darlings-nixos-harness-'));
      try {
        const plan = planWith({});
        const files = { ...nixosConfigFiles(plan), 'hardware-configuration.nix': standInHardwareConfiguration(plan) };
        for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
        const target = harnessSide(join(dir, 'configuration.nix'));
        expect(target.script).toContain('key=/run/darlings/ssh_host_ed25519_key.pub');
        expect(target.script).toContain('echo "darlings-ready: target" > /dev/ttyS0');
        expect(target.hostKeys).toEqual([{ type: 'ed25519', path: '/run/darlings/ssh_host_ed25519_key' }]);
        expect(target.after).toContain('multi-user.target');
        expect(target.permitRootLogin).toBe('prohibit-password');
        const iso = harnessSide(isoNixPath());
        expect(iso.script).toContain('key=/etc/ssh/ssh_host_ed25519_key.pub');
        expect(iso.script).toContain('echo "darlings-ready: installer" > /dev/ttyS0');
        expect(iso.hostKeys.map((k) => k.path)).toContain('/etc/ssh/ssh_host_ed25519_key');
        expect(iso.after).not.toContain('multi-user.target');
        expect(iso.permitRootLogin).toBe('prohibit-password');
        for (const side of [target, iso]) {
          expect(side.sshKeyScript).toContain('/sys/firmware/qemu_fw_cfg/by_name/opt/darlings/ssh-key/raw');
          expect(side.authorizedKeysFiles).toContain('/run/darlings/authorized_keys.d/%u');
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    EVAL_TIMEOUT_MS,
  );

  it(
    'the blog plan with systemd stage 1 evaluates to a system',
    async () => {
      const result = await evalScenario(planWith({ initrd: 'systemd', kernel: { name: 'default' } }), { nixpkgs: nixpkgs! });
      expect(result.toplevelDrv).toMatch(/-nixos-system-apollo-.*\.drv$/);
    },
    EVAL_TIMEOUT_MS,
  );

  it(
    'postDeviceCommands under systemd stage 1 fails with NixOS assertion text',
    async () => {
      const plan = planWith({
        initrd: 'systemd',
        nixosExtraConfig: "boot.initrd.postDeviceCommands = ''\n  echo too late\n'';",
      });
      const error = await evalScenario(plan, { nixpkgs: nixpkgs! }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CheckFailed);
      expect(error).toBeInstanceOf(NixEvalFailed);
      expect((error as Error).message).toContain("systemd stage 1 does not support 'boot.initrd.postDeviceCommands'");
    },
    EVAL_TIMEOUT_MS,
  );

  it(
    'a second boot.kernelPackages in nixosExtraConfig is an evaluation error',
    async () => {
      const plan = planWith({ kernel: { name: 'latest' }, nixosExtraConfig: 'boot.kernelPackages = pkgs.linuxPackages;' });
      const error = await evalScenario(plan, { nixpkgs: nixpkgs! }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NixEvalFailed);
      expect((error as Error).message).toMatch(/boot\.kernelPackages' is defined multiple times/);
    },
    EVAL_TIMEOUT_MS,
  );

  it(
    "the blog's Docker and LXD case study evaluates as nixos.extraConfig",
    async () => {
      const plan = planWith({
        name: 'docker-lxd',
        nixosExtraConfig: 'virtualisation = {\n  docker.enable = true;\n  lxd = {\n    enable = true;\n    recommendedSysctlSettings = true;\n  };\n};',
      });
      const result = await evalScenario(plan, { nixpkgs: nixpkgs! });
      expect(result.toplevelDrv).toMatch(/\.drv$/);
    },
    EVAL_TIMEOUT_MS,
  );
});

interface HarnessSide {
  script: string;
  after: string[];
  sshKeyScript: string;
  hostKeys: { type: string; path: string }[];
  authorizedKeysFiles: string[];
  permitRootLogin: string;
}

/** What harness-common.nix made of one configuration: its announce and key services and sshd. */
function harnessSide(config: string): HarnessSide {
  const expr = `let c = (import <nixpkgs/nixos> { }).config; s = c.systemd.services; o = c.services.openssh; in {
    script = s.darlings-announce.script; after = s.darlings-announce.after; sshKeyScript = s.darlings-ssh-key.script;
    hostKeys = map (k: { inherit (k) type path; }) o.hostKeys; authorizedKeysFiles = o.authorizedKeysFiles;
    permitRootLogin = o.settings.PermitRootLogin; }`;
  const result = spawnSync(
    'nix-instantiate',
    ['--eval', '--strict', '--json', '-I', `nixos-config=${config}`, '-I', `nixpkgs=${nixpkgs!}`, '-E', expr],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`nix-instantiate --eval of ${config} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as HarnessSide;
}

describe('evaluation without a nixpkgs tree', () => {
  it.skipIf(Boolean(nixpkgs))('is skipped: set DARLINGS_NIXPKGS=/path/to/nixpkgs-24.05 to evaluate', () => {
    expect(blogXps13Plan().guest).toBe('nixos');
  });
});
