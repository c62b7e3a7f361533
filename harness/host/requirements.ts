/**
 * What the host needs, and for what: each tool with the Debian/Ubuntu package that brings it.
 * `doctor` lists them; `run` and `build-image` check only what their work needs and exit 3
 * naming what to install.
 */
import { constants } from 'node:fs/promises';
import { exists } from '../util/fs.ts';
import { delimiter, join } from 'node:path';
import { HostError } from '../errors.ts';
import { OVMF_CANDIDATES } from '../vm/firmware.ts';
import { kvmUsable } from '../vm/accel.ts';

export type Purpose = 'run' | 'build-debian' | 'nixos' | 'report';

export interface Requirement {
  name: string;
  /** A binary on PATH, or an absolute path that must exist. */
  probe: { bin: string } | { anyPath: string[] } | { kvm: true };
  apt: string;
  for: Purpose[];
  /** Missing is a warning, not a failure (KVM: TCG works, slowly). */
  optional?: boolean;
  why: string;
}

export const REQUIREMENTS: readonly Requirement[] = [
  { name: 'qemu-system-x86_64', probe: { bin: 'qemu-system-x86_64' }, apt: 'qemu-system-x86', for: ['run'], why: 'runs the VMs' },
  { name: 'qemu-img', probe: { bin: 'qemu-img' }, apt: 'qemu-utils', for: ['run'], why: 'creates the NVMe disk and overlays' },
  { name: 'OVMF', probe: { anyPath: OVMF_CANDIDATES.map((c) => c.code) }, apt: 'ovmf', for: ['run'], why: 'UEFI firmware for QEMU' },
  { name: 'setpriv', probe: { bin: 'setpriv' }, apt: 'util-linux', for: ['run'], why: 'makes QEMU die with the harness (--pdeathsig)' },
  { name: 'KVM', probe: { kvm: true }, apt: '(enable virtualisation; modprobe kvm_intel or kvm_amd)', for: ['run'], optional: true, why: 'hardware acceleration; without it QEMU emulates (TCG), 10-50x slower' },
  { name: 'xorriso', probe: { bin: 'xorriso' }, apt: 'xorriso', for: ['build-debian'], why: 'makes the hybrid installer ISO' },
  { name: 'mtools', probe: { bin: 'mcopy' }, apt: 'mtools', for: ['build-debian'], why: 'fills the FAT ESP image' },
  { name: 'mkfs.vfat', probe: { bin: 'mkfs.vfat' }, apt: 'dosfstools', for: ['build-debian'], why: 'the ESP image' },
  { name: 'debootstrap', probe: { bin: 'debootstrap' }, apt: 'debootstrap', for: ['build-debian'], why: 'builds the target system from Debian packages' },
  { name: 'busybox (static)', probe: { anyPath: ['/bin/busybox', '/usr/bin/busybox'] }, apt: 'busybox-static', for: ['build-debian'], why: 'the initramfs shell and tools' },
  { name: 'cryptsetup', probe: { bin: 'cryptsetup' }, apt: 'cryptsetup-bin', for: ['build-debian'], why: 'copied into the installer and initrd' },
  { name: 'btrfs', probe: { bin: 'btrfs' }, apt: 'btrfs-progs', for: ['build-debian'], why: 'copied into the installer and initrd' },
  { name: 'dropbear', probe: { bin: 'dropbear' }, apt: 'dropbear-bin', for: ['build-debian'], why: 'the installer\'s SSH server' },
  { name: 'systemd-boot', probe: { anyPath: ['/usr/lib/systemd/boot/efi/systemd-bootx64.efi'] }, apt: 'systemd-boot-efi', for: ['build-debian'], why: 'the boot loader on the ESP' },
  { name: 'zstd', probe: { bin: 'zstd' }, apt: 'zstd', for: ['build-debian'], why: 'compresses the payload' },
  { name: 'sgdisk', probe: { bin: 'sgdisk' }, apt: 'gdisk', for: ['build-debian'], why: 'copied into the installer' },
  { name: 'cpio', probe: { bin: 'cpio' }, apt: 'cpio', for: ['build-debian'], why: 'packs initramfs archives' },
  { name: 'nix-instantiate', probe: { bin: 'nix-instantiate' }, apt: 'nix-bin', for: ['nixos'], why: 'evaluates and builds the nixos guest' },
  { name: 'chromium', probe: { anyPath: ['/usr/bin/chromium', '/usr/bin/chromium-browser'] }, apt: 'chromium', for: ['report'], optional: true, why: 'the HTML report test renders pages headless' },
];

export interface ProbeResult {
  req: Requirement;
  ok: boolean;
  detail: string;
}

async function onPath(bin: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  // sbin is often missing from a user's PATH though the tools there run fine by full path.
  const path = env.PATH ?? '';
  const dirs = path.split(delimiter).concat(path.includes('/usr/bin') ? ['/usr/sbin', '/sbin'] : []);
  for (const d of dirs) {
    const p = join(d, bin);
    if (await exists(p, constants.X_OK)) return p;
  }
  return undefined;
}

export async function probe(req: Requirement, env: NodeJS.ProcessEnv = process.env): Promise<ProbeResult> {
  if ('bin' in req.probe) {
    const p = await onPath(req.probe.bin, env);
    return { req, ok: Boolean(p), detail: p ?? 'not found on PATH' };
  }
  if ('anyPath' in req.probe) {
    for (const p of req.probe.anyPath) if (await exists(p, constants.R_OK)) return { req, ok: true, detail: p };
    return { req, ok: false, detail: `none of ${req.probe.anyPath.join(', ')}` };
  }
  const kvm = await kvmUsable();
  return { req, ok: kvm, detail: kvm ? '/dev/kvm usable' : '/dev/kvm missing or not writable: TCG fallback' };
}

/** Throws a HostError (exit 3) naming every missing required tool for `purposes` and its package. */
export async function requireHost(purposes: Purpose[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const needed = REQUIREMENTS.filter((r) => !r.optional && r.for.some((p) => purposes.includes(p)));
  const missing = (await Promise.all(needed.map((r) => probe(r, env)))).filter((r) => !r.ok);
  if (!missing.length) return;
  const packages = [...new Set(missing.map((m) => m.req.apt))];
  throw new HostError(
    `This host lacks ${missing.map((m) => `${m.req.name} (${m.req.why})`).join(', ')}.`,
    `sudo apt-get install -y ${packages.join(' ')}   (or: npx darlings doctor --fix)`,
  );
}
