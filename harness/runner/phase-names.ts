/**
 * Every phase a run can have, in the order they run. results.json's `phases[].name` and the
 * `--pause-before` option take these names; the recorded fixture run is tested against them.
 */
import { installPhases } from '../procedure/install.ts';

export const PHASE_NAMES = [
  'image',
  'boot-installer',
  ...installPhases.map((p) => p.name),
  'power-off-installer',
  'checkpoint',
  'first-boot',
  'first-boot-state',
  'power-cut',
  'reboot',
  'checks',
  'power-off',
] as const;

/** A full run of a scenario without `from:` or a power cut, in order (what the recorded fixture ran). */
export function fullRunPhases(): string[] {
  return PHASE_NAMES.filter((p) => p !== 'power-cut');
}
