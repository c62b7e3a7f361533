/**
 * What NixOS makes of the generated stage-1 text, by evaluation (DARLINGS_NIXPKGS=a nixpkgs tree,
 * e.g. nixos-24.05; 1-2 GiB and up to a minute each): the rollback unit's text as systemd will
 * read it, the scripted form's explicit `boot.initrd.systemd.enable = false`, the stateVersion.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nixosConfigFiles, standInHardwareConfiguration } from '../../harness/guests/nixos/index.ts';
import { readNixpkgsRelease } from '../../harness/scenario/nixos-release.ts';
import type { Plan } from '../../harness/scenario/plan.ts';
import { blogXps13Plan, planWith } from './plan.ts';

const nixpkgs = process.env.DARLINGS_NIXPKGS;
const EVAL_TIMEOUT_MS = 5 * 60_000;

/** Evaluates `expr` (a function of the system's `config`) for the plan's generated files. */
function evalConfig(plan: Plan, expr: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'darlings-nixos-stage1-'));
  try {
    const files = { ...nixosConfigFiles(plan), 'hardware-configuration.nix': standInHardwareConfiguration(plan) };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const result = spawnSync(
      'nix-instantiate',
      ['--eval', '--strict', '--json', '-I', `nixos-config=${join(dir, 'configuration.nix')}`, '-I', `nixpkgs=${nixpkgs!}`, '-E', `let config = (import <nixpkgs/nixos> { }).config; in ${expr}`],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NIX_REMOTE: '', GC_DONT_GC: '1' } },
    );
    if (result.status !== 0) throw new Error(`nix-instantiate --eval failed:\n${result.stderr}`);
    return JSON.parse(result.stdout) as unknown;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!nixpkgs)('stage 1 as NixOS evaluates it (set DARLINGS_NIXPKGS to a nixpkgs tree)', () => {
  it(
    'systemd stage 1: the rollback unit keeps the \\x2d of its cryptsetup unit, and stateVersion is the tree\'s release',
    async () => {
      const release = (await readNixpkgsRelease(nixpkgs!))?.text;
      const plan = planWith({ initrd: 'systemd', nixosRelease: release, luks: { ...blogXps13Plan().luks, mapping: 'crypt-root' } });
      const got = evalConfig(plan, '{ enable = config.boot.initrd.systemd.enable; unit = config.boot.initrd.systemd.units."rollback.service".text; stateVersion = config.system.stateVersion; }') as {
        enable: boolean;
        unit: string;
        stateVersion: string;
      };
      expect(got.enable).toBe(true);
      const lines = got.unit.split('\n');
      expect(lines).toContain('After=systemd-cryptsetup@crypt\\x2droot.service');
      expect(lines).toContain('Requires=systemd-cryptsetup@crypt\\x2droot.service');
      expect(lines).toContain('Before=sysroot.mount');
      expect(lines).toContain('DefaultDependencies=no');
      expect(lines).toContain('StandardOutput=journal+console');
      expect(got.stateVersion).toBe(release);
    },
    EVAL_TIMEOUT_MS,
  );

  it(
    'scripted stage 1: boot.initrd.systemd.enable is false as the text says, and the rollback is in postDeviceCommands',
    () => {
      const got = evalConfig(planWith({ initrd: 'scripted' }), '{ enable = config.boot.initrd.systemd.enable; post = config.boot.initrd.postDeviceCommands; }') as {
        enable: boolean;
        post: string;
      };
      expect(got.enable).toBe(false);
      expect(got.post).toContain('darlings-initrd: rollback end status=$darlings_status');
    },
    EVAL_TIMEOUT_MS,
  );
});
