/**
 * The set of files the harness writes into /etc/nixos for a Plan, by name. The driver uploads
 * them next to the generated hardware-configuration.nix; evaluation adds a stand-in for that.
 */
import type { Plan } from '../../scenario/plan.ts';
import { configurationNix, extraModule, type ConfigurationOptions } from './configuration.ts';
import { HARNESS_COMMON_FILE, harnessCommonModule, harnessModule } from './harness-module.ts';
import { mountsModule } from './hardware.ts';
import { optinModule } from './optin.ts';
import { FLAKE_EVAL_FILE, flakeEvalNix, ownConfigurationNix, ownFiles, ownFlakeNix } from './own.ts';
import { neededForBootMounts } from './layout.ts';
import { nixModule, nixString } from './nix-text.ts';

/**
 * configuration.nix, mounts.nix, optin.nix, darlings.nix (with darlings-harness.nix, the text of
 * images/nixos/harness-common.nix, which it imports) and extra.nix for `plan`.
 *
 * @example
 * Object.keys(nixosConfigFiles(plan)) // ['configuration.nix', 'mounts.nix', 'optin.nix', 'darlings.nix', 'darlings-harness.nix', 'extra.nix']
 *
 * With the user's own system (`plan.nixosOwn`, see own.ts): their folder under `user/`, and
 * configuration.nix (or flake.nix) adding darlings.nix, extra.nix and, for a configuration,
 * optin.nix; mounts.nix stays out (their configuration says how it mounts).
 */
export function nixosConfigFiles(plan: Plan, options: ConfigurationOptions = {}, stage: ConfigStage = 'opt-in'): Record<string, string> {
  const optin = stage === 'opt-in' ? optinModule(plan) : installOptinModule(plan);
  const own = plan.nixosOwn;
  if (own) {
    const harness = { 'darlings.nix': harnessModule(plan), [HARNESS_COMMON_FILE]: harnessCommonModule(), 'extra.nix': extraModule(plan) };
    if (own.kind === 'flake') {
      return { ...ownFiles(own), 'flake.nix': ownFlakeNix(plan, own, options.installRoot ?? '/mnt'), [FLAKE_EVAL_FILE]: flakeEvalNix(own), ...harness };
    }
    return { ...ownFiles(own), 'configuration.nix': ownConfigurationNix(plan, own), ...(own.optIn && { 'optin.nix': optin }), ...harness };
  }
  return {
    'configuration.nix': configurationNix(plan, options),
    'mounts.nix': mountsModule(plan),
    'optin.nix': optin,
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
