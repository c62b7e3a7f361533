/**
 * The stand-in's `nixos-rebuild boot`: after the user edits the configuration in /etc/darlings on
 * the running system, the next boot's generation is made from it, as darlings-install made the
 * first: the per-system initrd part (/boot/darlings/system.cpio, read by stage 1: persisted /etc
 * entries and the rollback), the tmpfiles rules, and the system's copy of the configuration.
 * The target has no cpio tool, so the archive is written here (newc, like `cpio -H newc -R 0:0`).
 */
import type { GuestShell } from '../guest.ts';
import type { Plan } from '../../scenario/plan.ts';
import { InfraError } from '../../errors.ts';
import { shQuote } from '../../util/shell.ts';

/** The files of /etc/darlings that stage 1 reads (darlings-install's system_cpio list), beside units/. */
export const STAGE1_FILES = ['configuration.conf', 'hardware.conf', 'crypttab', 'persist.conf', 'rollback.sh', 'rollback-unit.sh'] as const;
/** systemd stage 1: the units the initrd's generator links (the rollback unit), as darlings-install copies them. */
export const STAGE1_UNITS_DIR = 'units';

export interface CpioEntry {
  /** Path inside the archive, without a leading slash (`etc/darlings/rollback.sh`). */
  name: string;
  /** File type and permission bits, e.g. 0o100644 for a file, 0o040755 for a folder. */
  mode: number;
  data?: Buffer;
}

function header(ino: number, e: CpioEntry, size: number): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
  return ['070701', hex(ino), hex(e.mode), hex(0), hex(0), hex(e.mode & 0o040000 ? 2 : 1), hex(0), hex(size), hex(0), hex(0), hex(0), hex(0), hex(Buffer.byteLength(e.name) + 1), hex(0)].join('');
}

function pad4(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

/**
 * A newc cpio archive of `entries`, root-owned, mtime 0, ending with the TRAILER!!! entry.
 *
 * @example
 * newcArchive([{ name: 'etc', mode: 0o040755 }, { name: 'etc/x', mode: 0o100644, data: Buffer.from('hi\n') }])
 */
export function newcArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const all = [...entries, { name: 'TRAILER!!!', mode: 0 }];
  all.forEach((e, i) => {
    const data = e.data ?? Buffer.alloc(0);
    const head = Buffer.from(header(i === all.length - 1 ? 0 : i + 1, e, data.length) + e.name + '\0', 'latin1');
    parts.push(head, pad4(head.length), data, pad4(data.length));
  });
  return Buffer.concat(parts);
}

/**
 * Makes the next boot's generation from /etc/darlings on the running target. Every command's
 * status is checked (expectSuccess); a missing stage-1 file is simply not in the archive, as in
 * darlings-install (no rollback.sh = no rollback).
 */
export async function rebuildBoot(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void> {
  const t = { timeoutMs: plan.timeouts.commandMs, signal };
  const entries: CpioEntry[] = [{ name: 'etc', mode: 0o040755 }, { name: 'etc/darlings', mode: 0o040755 }];
  for (const f of STAGE1_FILES) {
    const path = `/etc/darlings/${f}`;
    // `-` marks an absent file; base64 keeps the bytes exact through the text channel.
    const out = await shell.expectSuccess(`if [ -f ${shQuote(path)} ]; then base64 -w0 ${shQuote(path)}; else echo -; fi`, t);
    if (out.trim() === '-') continue;
    entries.push({ name: `etc/darlings/${f}`, mode: f.endsWith('.sh') ? 0o100755 : 0o100644, data: Buffer.from(out.trim(), 'base64') });
  }
  // One line a unit: its name and its bytes in base64 (names are unit names: no spaces).
  const units = await shell.expectSuccess(
    `for f in /etc/darlings/${STAGE1_UNITS_DIR}/*.service; do [ -f "$f" ] && printf '%s %s\\n' "\${f##*/}" "$(base64 -w0 "$f")"; done; true`,
    t,
  );
  const unitLines = units.split('\n').map((l) => l.trim().split(' ')).filter((f) => f.length === 2);
  if (unitLines.length) entries.push({ name: `etc/darlings/${STAGE1_UNITS_DIR}`, mode: 0o040755 });
  for (const [name, data] of unitLines) entries.push({ name: `etc/darlings/${STAGE1_UNITS_DIR}/${name}`, mode: 0o100644, data: Buffer.from(data!, 'base64') });
  if (!entries.some((e) => e.name === 'etc/darlings/hardware.conf')) throw new InfraError('/etc/darlings/hardware.conf is missing on the target: cannot rebuild its boot files');
  await shell.upload('/boot/darlings/system.cpio.new', newcArchive(entries), 0o644);
  await shell.expectSuccess('mv /boot/darlings/system.cpio.new /boot/darlings/system.cpio', t);
  await shell.expectSuccess(
    'if [ -f /etc/darlings/tmpfiles.conf ]; then cp /etc/darlings/tmpfiles.conf /nix/os/etc/tmpfiles.d/darlings-persist.conf; ' +
      'else : > /nix/os/etc/tmpfiles.d/darlings-persist.conf; fi && rm -rf /nix/os/etc/darlings && cp -a /etc/darlings /nix/os/etc/darlings && sync',
    t,
  );
}
