/**
 * Real NixOS evaluations of generated configurations. They need a nixpkgs tree (nixos-24.05):
 * set DARLINGS_NIXPKGS=/path/to/nixpkgs. Each evaluation takes 10-40 s and 1-2 GiB.
 */
import { describe, expect, it } from 'vitest';
import { CheckFailed } from '../../harness/errors.ts';
import { evalScenario, NixEvalFailed } from '../../harness/guests/nixos/index.ts';
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

describe('evaluation without a nixpkgs tree', () => {
  it.skipIf(Boolean(nixpkgs))('is skipped: set DARLINGS_NIXPKGS=/path/to/nixpkgs-24.05 to evaluate', () => {
    expect(blogXps13Plan().guest).toBe('nixos');
  });
});
