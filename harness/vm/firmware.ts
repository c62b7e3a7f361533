/**
 * OVMF: the code image is shared read-only; every machine gets its own copy of the vars, so
 * boot entries written by one run (efibootmgr, systemd-boot) never leak into another.
 */
import { copyFile, chmod } from 'node:fs/promises';
import { constants } from 'node:fs';
import { exists } from '../util/fs.ts';
import { HostError } from '../errors.ts';

export interface OvmfPair {
  code: string;
  vars: string;
}

/** Where Debian/Ubuntu (ovmf), Fedora (edk2-ovmf) and NixOS (OVMF.fd) put the firmware. */
export const OVMF_CANDIDATES: readonly OvmfPair[] = [
  { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.fd' },
  { code: '/usr/share/OVMF/OVMF_CODE.fd', vars: '/usr/share/OVMF/OVMF_VARS.fd' },
  { code: '/usr/share/edk2/ovmf/OVMF_CODE.fd', vars: '/usr/share/edk2/ovmf/OVMF_VARS.fd' },
  { code: '/usr/share/edk2-ovmf/x64/OVMF_CODE.fd', vars: '/usr/share/edk2-ovmf/x64/OVMF_VARS.fd' },
];

/** Finds an OVMF code/vars pair; `DARLINGS_OVMF_CODE`/`_VARS` are passed in by the CLI. */
export async function findOvmf(override?: Partial<OvmfPair>): Promise<OvmfPair> {
  if (override?.code && override.vars) return { code: override.code, vars: override.vars };
  for (const pair of OVMF_CANDIDATES) {
    if ((await exists(pair.code, constants.R_OK)) && (await exists(pair.vars, constants.R_OK))) return pair;
  }
  throw new HostError('No OVMF firmware found (UEFI for QEMU).', 'apt-get install ovmf');
}

/** A private, writable copy of the vars template for one machine. */
export async function copyVars(template: string, dest: string): Promise<string> {
  await copyFile(template, dest);
  await chmod(dest, 0o600);
  return dest;
}
