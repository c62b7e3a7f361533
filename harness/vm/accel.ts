/**
 * KVM when /dev/kvm is usable, TCG otherwise, and a sentence saying which and why: a run that
 * silently falls back to emulation is 10-50x slower and people should know.
 */
import { access, constants } from 'node:fs/promises';
import { HostError } from '../errors.ts';

export type AccelChoice = 'auto' | 'kvm' | 'tcg';

export interface Accel {
  accel: 'kvm' | 'tcg';
  note: string;
}

export async function kvmUsable(device = '/dev/kvm'): Promise<boolean> {
  return access(device, constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );
}

export async function chooseAccel(choice: AccelChoice, device = '/dev/kvm'): Promise<Accel> {
  const kvm = await kvmUsable(device);
  if (choice === 'kvm') {
    if (!kvm)
      throw new HostError(
        `--accel kvm asked for, but ${device} is missing or not writable by this user.`,
        'enable virtualisation in the firmware, load kvm_intel/kvm_amd, and add the user to group kvm',
      );
    return { accel: 'kvm', note: 'KVM (asked for)' };
  }
  if (choice === 'tcg') return { accel: 'tcg', note: 'TCG software emulation (asked for): slow' };
  return kvm
    ? { accel: 'kvm', note: `KVM (${device} is usable)` }
    : {
        accel: 'tcg',
        note: `falling back to TCG software emulation: ${device} is missing or not writable; expect 10-50x slower boots`,
      };
}
