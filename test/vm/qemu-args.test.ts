import { describe, expect, it } from 'vitest';
import { escapeOpt, qemuArgs, TCG_CPU, type MachineSpec } from '../../harness/vm/qemu-args.ts';

const spec: MachineSpec = {
  name: 'blog',
  accel: 'tcg',
  memoryMiB: 1024,
  cpus: 2,
  ovmfCode: '/usr/share/OVMF/OVMF_CODE_4M.fd',
  ovmfVars: '/tmp/x/vars.fd',
  nvme: { path: '/tmp/x/nvme0.qcow2', serial: 'S4DYNF0M000001' },
  boot: { iso: '/cache/installer.iso', medium: 'usb' },
  sshPort: 2222,
  serialSocket: '/tmp/x/serial.sock',
  qmpSocket: '/tmp/x/qmp.sock',
  fwCfg: [{ name: 'opt/darlings/ssh-key', string: 'ssh-ed25519 AAAA darlings' }],
  smbios: ['type=1,manufacturer=Dell Inc.,product=XPS 13 7390 2-in-1'],
};

const joined = (s: MachineSpec) => qemuArgs(s).join(' ');

describe('the QEMU command line', () => {
  it('loads OVMF code read-only and the machine\'s own vars writable', () => {
    expect(joined(spec)).toContain('if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd');
    expect(joined(spec)).toContain('if=pflash,format=raw,unit=1,file=/tmp/x/vars.fd');
  });

  it('gives the guest an NVMe disk with the serial number', () => {
    expect(joined(spec)).toContain('nvme,serial=S4DYNF0M000001,drive=nvme0');
  });

  it('attaches the installer as a USB stick first in boot order, or as a CD-ROM', () => {
    expect(joined(spec)).toMatch(/usb-storage,bus=xhci\.0,drive=stick,bootindex=1/);
    const cd = joined({ ...spec, boot: { iso: '/cache/installer.iso', medium: 'cdrom' } });
    expect(cd).toContain('ide-cd,drive=cd,bus=ide.0,bootindex=1');
    expect(cd).not.toContain('usb-storage');
  });

  it('forwards SSH from 127.0.0.1 only', () => {
    expect(joined(spec)).toContain('hostfwd=tcp:127.0.0.1:2222-:22');
  });

  it('waits for the harness on the serial socket so no boot output is lost', () => {
    expect(joined(spec)).toContain('socket,id=serial0,path=/tmp/x/serial.sock,server=on,wait=on');
  });

  it('uses a CPU with AES-NI under TCG (fast dm-crypt) and host under KVM', () => {
    expect(qemuArgs(spec)).toEqual(expect.arrayContaining(['-cpu', TCG_CPU]));
    expect(TCG_CPU).toMatch(/\+aes\b/);
    expect(qemuArgs({ ...spec, accel: 'kvm' })).toEqual(expect.arrayContaining(['-cpu', 'host']));
  });

  it('passes the per-run key through fw_cfg and SMBIOS strings as given', () => {
    expect(qemuArgs(spec)).toEqual(expect.arrayContaining(['-fw_cfg', 'name=opt/darlings/ssh-key,string=ssh-ed25519 AAAA darlings']));
    expect(qemuArgs(spec)).toEqual(expect.arrayContaining(['-smbios', 'type=1,manufacturer=Dell Inc.,product=XPS 13 7390 2-in-1']));
  });

  it('escapes commas in paths the way QEMU expects', () => {
    expect(escapeOpt('/a,b/c')).toBe('/a,,b/c');
    expect(joined({ ...spec, nvme: { path: '/t,1/d.qcow2', serial: 'X' } })).toContain('file=/t,,1/d.qcow2');
  });
});
