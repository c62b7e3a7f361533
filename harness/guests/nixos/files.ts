/**
 * The set of files the harness writes into /etc/nixos for a Plan, by name. The driver uploads
 * them next to the generated hardware-configuration.nix; evaluation adds a stand-in for that.
 */
import type { Plan } from '../../scenario/plan.ts';
import { configurationNix, extraModule, type ConfigurationOptions } from './configuration.ts';
import { HARNESS_COMMON_FILE, harnessCommonModule, harnessModule } from './harness-module.ts';
import { mountsModule } from './hardware.ts';
import { optinModule } from './optin.ts';

/**
 * configuration.nix, mounts.nix, optin.nix, darlings.nix (with darlings-harness.nix, the text of
 * images/nixos/harness-common.nix, which it imports) and extra.nix for `plan`.
 *
 * @example
 * Object.keys(nixosConfigFiles(plan)) // ['configuration.nix', 'mounts.nix', 'optin.nix', 'darlings.nix', 'darlings-harness.nix', 'extra.nix']
 */
export function nixosConfigFiles(plan: Plan, options: ConfigurationOptions = {}): Record<string, string> {
  return {
    'configuration.nix': configurationNix(plan, options),
    'mounts.nix': mountsModule(plan),
    'optin.nix': optinModule(plan),
    'darlings.nix': harnessModule(plan),
    [HARNESS_COMMON_FILE]: harnessCommonModule(),
    'extra.nix': extraModule(plan),
  };
}
