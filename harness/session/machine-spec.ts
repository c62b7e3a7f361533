/**
 * From a Plan (and its hardware profile) to a MachineSpec: memory, CPUs, the NVMe serial, SMBIOS
 * strings. Pure, so a profile's effect on the command line is unit-tested.
 */
import type { Plan } from '../scenario/plan.ts';
import { escapeOpt, type MachineSpec } from '../vm/qemu-args.ts';

export function smbiosArgs(profile: Plan['profile']): string[] {
  const out: string[] = [];
  for (const [type, fields] of [['0', profile.smbios.type0], ['1', profile.smbios.type1], ['2', profile.smbios.type2]] as const) {
    if (!fields || !Object.keys(fields).length) continue;
    out.push([`type=${type}`, ...Object.entries(fields).map(([k, v]) => `${k}=${escapeOpt(v)}`)].join(','));
  }
  return out;
}

export interface SpecInputs {
  plan: Plan;
  accel: 'kvm' | 'tcg';
  ovmfCode: string;
  ovmfVars: string;
  disk: string;
  iso?: string;
  sshPort: number;
  workDir: string;
  publicKey: string;
  boot: number;
}

export function machineSpec(i: SpecInputs): MachineSpec {
  const { plan } = i;
  return {
    name: `${plan.name}-${plan.guest}-${i.boot}`,
    accel: i.accel,
    // The plan already ranks them (scenario, then profile, then defaults): read only its result.
    memoryMiB: plan.vm.memoryMiB,
    cpus: plan.vm.cpus,
    ovmfCode: i.ovmfCode,
    ovmfVars: i.ovmfVars,
    nvme: { path: i.disk, serial: plan.disk.serial },
    ...(i.iso && { boot: { iso: i.iso, medium: plan.vm.bootMedium } }),
    sshPort: i.sshPort,
    serialSocket: `${i.workDir}/serial-${i.boot}.sock`,
    qmpSocket: `${i.workDir}/qmp-${i.boot}.sock`,
    fwCfg: [{ name: 'opt/darlings/ssh-key', string: i.publicKey }],
    smbios: smbiosArgs(plan.profile),
    // The installed system's reboots become power cycles (see MachineSpec.noReboot).
    noReboot: !i.iso,
  };
}
