/**
 * The set of files the harness writes into /etc/nixos for a Plan, by name. The driver uploads
 * them next to the generated hardware-configuration.nix; evaluation adds a stand-in for that.
 */
import type { Plan } from '../../scenario/plan.ts';
import { configurationNix, extraModule, type ConfigurationOptions } from './configuration.ts';
import { harnessModule } from './harness-module.ts';
import { mountsModule } from './hardware.ts';
import { optinModule } from './optin.ts';

/**
 * configuration.nix, mounts.nix, optin.nix, darlings.nix and extra.nix for `plan`.
 *
 * @example
 * Object.keys(nixosConfigFiles(plan)) // ['configuration.nix', 'mounts.nix', 'optin.nix', 'darlings.nix', 'extra.nix']
 */
export function nixosConfigFiles(plan: Plan, options: ConfigurationOptions = {}): Record<string, string> {
  return {
    'configuration.nix': configurationNix(plan, options),
    'mounts.nix': mountsModule(plan),
    'optin.nix': optinModule(plan),
    'darlings.nix': harnessModule(plan),
    'extra.nix': extraModule(plan),
  };
}
