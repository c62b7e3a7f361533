/**
 * A disk booted for a person: a fresh qcow2 overlay on a kept disk or a checkpoint (the base is
 * never written), the same channels a run has (serial socket, QMP, SSH forwarded on 127.0.0.1,
 * the run-style key through fw_cfg), the passphrase typed from the scenario (never printed), then
 * the person's interactive session: the system `ssh` with the pinned host key, or the serial
 * console. Everything is torn down when the session ends.
 */
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Plan } from '../scenario/plan.ts';
import type { GuestDriver } from '../guests/guest.ts';
import { createOverlay } from '../vm/disk.ts';
import type { Accel } from '../vm/accel.ts';
import type { OvmfPair } from '../vm/firmware.ts';
import { generateClientKey } from '../channels/keys.ts';
import { unlockAndLogIn } from '../procedure/unlock.ts';
import { Guest, type ArtifactSink } from '../session/guest.ts';
import { Redactor } from '../util/redact.ts';
import { formatDuration } from '../util/duration.ts';
import { accessLines, sshArgs, writeAccessFiles, type GuestAccess } from '../debug/access.ts';

export interface ShellOptions {
  plan: Plan;
  driver: GuestDriver;
  /** The disk the overlay is made on (kept nvme0.qcow2 or a checkpoint's). */
  baseDisk: string;
  baseVars: string;
  accel: Accel;
  ovmf: OvmfPair;
  console: 'ssh' | 'serial';
  /** Progress lines for the person (stderr). */
  say: (line: string) => void;
  signal: AbortSignal;
}

/** Boots, unlocks, hands over, tears down; resolves with the session's exit code. */
export async function shellSession(o: ShellOptions): Promise<number> {
  const workDir = await mkdtemp(join(tmpdir(), 'darlings-shell-'));
  let guest: Guest | undefined;
  try {
    const disk = join(workDir, 'nvme0.qcow2');
    await createOverlay(disk, o.baseDisk, o.signal);
    const vars = join(workDir, 'OVMF_VARS.fd');
    await copyFile(o.baseVars, vars);
    await chmod(vars, 0o600);
    const key = generateClientKey('darlings-shell');
    guest = new Guest({ plan: o.plan, accel: o.accel.accel, ovmfCode: o.ovmf.code, vars, disk, iso: '', workDir, key, artifacts: sinkIn(workDir), redactor: new Redactor(o.plan.secrets), signal: o.signal, startedAt: Date.now() });
    const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const at = Date.now();
      const v = await fn();
      o.say(`  ${name} … ${formatDuration(Date.now() - at)}`);
      return v;
    };
    o.say(`booting ${o.plan.name}/${o.plan.guest} on an overlay of ${o.baseDisk}`);
    const machine = await guest.boot('shell', { installer: false });
    const spec = machine.spec;
    // Only the right passphrase: this is for looking around, not for testing refusals.
    const plan = { ...o.plan, luks: { ...o.plan.luks, wrongPassphrases: [] } };
    const r = await unlockAndLogIn(machine.serial, plan, o.driver, step, o.signal);
    const files = await writeAccessFiles(workDir, { privateKey: key.privateKey, sshPort: spec.sshPort, hostKeyLine: r.hostKeyLine, boot: 1 });
    const access: GuestAccess = { sshPort: spec.sshPort, ...files, serialSocket: spec.serialSocket, qmpSocket: spec.qmpSocket, user: 'root' };
    machine.serial.close();
    for (const l of accessLines(access)) o.say(`  ${l.label}: ${l.command}`);
    if (o.console === 'ssh') {
      o.say(`ssh session as root (exit or Ctrl-D ends it and stops the VM)`);
      const child = execa('ssh', ['-t', ...sshArgs(access)], { stdio: 'inherit', reject: false, cancelSignal: o.signal });
      const res = await child;
      return res.exitCode ?? 1;
    }
    o.say('serial console (Ctrl-] ends it and stops the VM); press Enter for a prompt');
    return await serialBridge(spec.serialSocket, o.signal);
  } finally {
    await guest?.close();
    await rm(workDir, { recursive: true, force: true });
    o.say('stopped the VM and removed its overlay');
  }
}

/** The guest's serial log and QEMU command line go into the work folder, removed with it. */
function sinkIn(dir: string): ArtifactSink {
  return {
    createWriteStream: (name) => createWriteStream(join(dir, name), { mode: 0o600 }),
    writeText: async (name, text) => {
      await writeFile(join(dir, name), text, { mode: 0o600 });
      return join(dir, name);
    },
    resolve: (name) => join(dir, name),
  };
}

/** The terminal on the serial socket, raw, until Ctrl-] (0x1d), the socket closing, or abort. */
async function serialBridge(path: string, signal: AbortSignal): Promise<number> {
  const socket = connect(path);
  const stdin = process.stdin;
  const raw = stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  stdin.resume();
  return new Promise<number>((resolve) => {
    const end = (code: number) => {
      stdin.off('data', onKey);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      socket.destroy();
      resolve(code);
    };
    const onKey = (d: Buffer) => {
      const i = d.indexOf(0x1d);
      if (i >= 0) {
        if (i > 0) socket.write(d.subarray(0, i));
        return end(0);
      }
      socket.write(d);
    };
    stdin.on('data', onKey);
    socket.on('data', (d) => process.stdout.write(d));
    socket.on('close', () => end(0));
    socket.on('error', () => end(1));
    signal.addEventListener('abort', () => end(130), { once: true });
  });
}
