/**
 * The QEMU command line as a pure function of a MachineSpec, so it can be unit-tested, printed
 * for people reproducing a run by hand, and reused by the raw-QEMU benchmark.
 */
export interface FwCfgEntry {
  /** Must start with `opt/` (QEMU reserves the rest). */
  name: string;
  file?: string;
  string?: string;
}

export interface MachineSpec {
  /** Shown in `ps` (`-name`), so leaked processes are easy to find. */
  name: string;
  accel: 'kvm' | 'tcg';
  memoryMiB: number;
  cpus: number;
  ovmfCode: string;
  /** The machine's private, writable copy of the OVMF vars. */
  ovmfVars: string;
  nvme: { path: string; serial: string; format?: 'qcow2' | 'raw' };
  /** The installer, attached as the blog does (a USB stick) or as a CD-ROM. */
  boot?: { iso: string; medium: 'usb' | 'cdrom' };
  /** Host port forwarded to the guest's port 22, on 127.0.0.1 only. */
  sshPort: number;
  serialSocket: string;
  qmpSocket: string;
  fwCfg?: FwCfgEntry[];
  /** `-smbios` values, e.g. `type=1,manufacturer=Dell Inc.,product=XPS 13 7390 2-in-1`. */
  smbios?: string[];
  extraArgs?: string[];
  /**
   * Exit instead of resetting when the guest reboots; the harness then cold-starts the next boot.
   * Under TCG a warm reset made the next boot about twice as slow as a cold start (measured).
   */
  noReboot?: boolean;
}

/** QEMU's option syntax escapes a comma by doubling it. */
export function escapeOpt(value: string): string {
  return value.replace(/,/g, ',,');
}

/**
 * The CPU under TCG: x86-64-v2 with AES-NI and PCLMULQDQ, so dm-crypt and crc32c take their fast
 * paths. Not `max`: with it (AVX2, XSAVE, 5-level paging, SMAP…) the installed debian guest
 * reached its login prompt in 37-42 s against 28-34 s with this model (same disk, same host).
 */
export const TCG_CPU = 'qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+aes,+pclmulqdq';

export function qemuArgs(spec: MachineSpec): string[] {
  const args = [
    '-name', `darlings-${spec.name}`,
    '-machine', `q35,accel=${spec.accel}`,
    '-cpu', spec.accel === 'kvm' ? 'host' : TCG_CPU,
    '-m', `${spec.memoryMiB}`,
    '-smp', `${spec.cpus}`,
    '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${escapeOpt(spec.ovmfCode)}`,
    '-drive', `if=pflash,format=raw,unit=1,file=${escapeOpt(spec.ovmfVars)}`,
    '-drive', `if=none,id=nvme0,format=${spec.nvme.format ?? 'qcow2'},file=${escapeOpt(spec.nvme.path)},discard=unmap`,
    '-device', `nvme,serial=${escapeOpt(spec.nvme.serial)},drive=nvme0,bootindex=2`,
    '-netdev', `user,id=net0,hostfwd=tcp:127.0.0.1:${spec.sshPort}-:22`,
    '-device', 'virtio-net-pci,netdev=net0',
    // The serial socket waits for the harness to connect, so not one byte of the boot is lost.
    '-chardev', `socket,id=serial0,path=${escapeOpt(spec.serialSocket)},server=on,wait=on`,
    '-serial', 'chardev:serial0',
    '-qmp', `unix:${escapeOpt(spec.qmpSocket)},server=on,wait=off`,
    '-display', 'none',
    '-vga', 'std',
    '-no-user-config',
    '-nodefaults',
  ];
  if (spec.boot) {
    const iso = escapeOpt(spec.boot.iso);
    if (spec.boot.medium === 'usb') {
      args.push(
        '-device', 'qemu-xhci,id=xhci',
        '-drive', `if=none,id=stick,format=raw,readonly=on,file=${iso}`,
        '-device', 'usb-storage,bus=xhci.0,drive=stick,bootindex=1,removable=on',
      );
    } else {
      args.push(
        '-drive', `if=none,id=cd,media=cdrom,readonly=on,file=${iso}`,
        '-device', 'ide-cd,drive=cd,bus=ide.0,bootindex=1',
      );
    }
  }
  for (const entry of spec.fwCfg ?? []) {
    const value = entry.file !== undefined ? `file=${escapeOpt(entry.file)}` : `string=${escapeOpt(entry.string ?? '')}`;
    args.push('-fw_cfg', `name=${entry.name},${value}`);
  }
  for (const smbios of spec.smbios ?? []) args.push('-smbios', smbios);
  if (spec.noReboot) args.push('-no-reboot');
  args.push(...(spec.extraArgs ?? []));
  return args;
}
