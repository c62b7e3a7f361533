/**
 * The set of files the harness writes into /etc/nixos for a Plan, by name. The driver uploads
 * them next to the generated hardware-configuration.nix; evaluation adds a stand-in for that.
 */
import type { Plan } from '../../scenario/plan.ts';
import { configurationNix, extraModule, type ConfigurationOptions } from './configuration.ts';
import { HARNESS_COMMON_FILE, harnessCommonModule, harnessModule } from './harness-module.ts';
import { mountsModule } from './hardware.ts';
import { optinModule } from './optin.ts';
import { neededForBootMounts } from './layout.ts';
import { nixModule, nixString } from './nix-text.ts';

/**
 * configuration.nix, mounts.nix, optin.nix, darlings.nix (with darlings-harness.nix, the text of
 * images/nixos/harness-common.nix, which it imports) and extra.nix for `plan`.
 *
 * @example
 * Object.keys(nixosConfigFiles(plan)) // ['configuration.nix', 'mounts.nix', 'optin.nix', 'darlings.nix', 'darlings-harness.nix', 'extra.nix']
 */
export function nixosConfigFiles(plan: Plan, options: ConfigurationOptions = {}, stage: ConfigStage = 'opt-in'): Record<string, string> {
  return {
    'configuration.nix': configurationNix(plan, options),
    'mounts.nix': mountsModule(plan),
    'optin.nix': stage === 'opt-in' ? optinModule(plan) : installOptinModule(plan),
    'darlings.nix': harnessModule(plan),
    [HARNESS_COMMON_FILE]: harnessCommonModule(),
    'extra.nix': extraModule(plan),
  };
}

/**
 * `install`: what nixos-install gets, the blog's minimal configuration (only the neededForBoot
 * mounts it adds to hardware-configuration.nix before installing); `opt-in`: with the opt-in
 * state and the rollback, applied on the first boot with `nixos-rebuild boot`.
 */
export type ConfigStage = 'install' | 'opt-in';

/** optin.nix as installed: no persisted entries, no L rules, no rollback yet, as in the blog. */
export function installOptinModule(plan: Plan): string {
  const early = neededForBootMounts(plan);
  const lines = [
    '# The opt-in state and the rollback come after the first boot (nixos-rebuild boot), as in the blog.',
    ...early.map((mountPoint) => `fileSystems.${nixString(mountPoint)}.neededForBoot = true;`),
  ];
  return nixModule([], '{ config, lib, pkgs, ... }', lines.join('\n'));
}
