/**
 * KVM when /dev/kvm is usable, TCG otherwise, and a sentence saying which and why: a run that
 * silently falls back to emulation is 10-50x slower and people should know.
 */
import { constants, readFile } from 'node:fs/promises';
import { exists } from '../util/fs.ts';
import { execa } from 'execa';
import { HostError } from '../errors.ts';

export type AccelChoice = 'auto' | 'kvm' | 'tcg';

export interface Accel {
  accel: 'kvm' | 'tcg';
  note: string;
}

let probed: Promise<boolean> | undefined;

/**
 * /dev/kvm can exist and still not run a guest (nested virtualisation without VMX: QEMU
 * aborts on the first MSR write). So: the device, the CPU flag, and a two-second real start.
 */
export function kvmUsable(device = '/dev/kvm'): Promise<boolean> {
  probed ??= (async () => {
    const accessible = await exists(device, constants.R_OK | constants.W_OK);
    if (!accessible) return false;
    const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
    if (!/\b(vmx|svm)\b/.test(cpuinfo)) return false;
    const r = await execa('qemu-system-x86_64', ['-machine', 'q35,accel=kvm', '-cpu', 'host', '-m', '64', '-nodefaults', '-display', 'none', '-no-reboot'], {
      timeout: 2000,
      reject: false,
    });
    // Still running when the timeout killed it means the vCPU started.
    return r.timedOut;
  })();
  return probed;
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
        note: `falling back to TCG software emulation: ${device} is missing, not writable, or cannot run a guest (no VMX/SVM); expect 10-50x slower boots`,
      };
}
