/**
 * The runner's phase names (results.json `phases[].name`), in the order a full run from a blank
 * disk goes through them. run-plan refuses any other name, and a unit test holds the recorded
 * fixture (test/fixtures/recorded-run) to this list, so the fixture cannot drift from the harness.
 */
import { installPhases } from '../procedure/install.ts';

/** A full run of a scenario without `from:` or a power cut, in order. */
export function fullRunPhases(): string[] {
  return ['image', 'boot-installer', ...installPhases.map((p) => p.name), 'power-off-installer', 'checkpoint', 'first-boot', 'first-boot-state', 'reboot', 'checks', 'power-off'];
}

/** Every phase name the runner may report (power-cut runs pull the plug instead of rebooting). */
export const PHASE_NAMES: readonly string[] = [...fullRunPhases(), 'power-cut'];
