/** Disk images through qemu-img: a blank qcow2 for the target, overlays on checkpoints. */
import { execa } from 'execa';
import { InfraError } from '../errors.ts';

export async function createDisk(path: string, sizeMiB: number, signal?: AbortSignal): Promise<void> {
  const r = await execa('qemu-img', ['create', '-q', '-f', 'qcow2', path, `${sizeMiB}M`], { reject: false, cancelSignal: signal });
  if (r.exitCode !== 0) throw new InfraError(`qemu-img create ${path} failed: ${r.stderr}`);
}

/** A copy-on-write overlay: the base is never written. */
export async function createOverlay(path: string, base: string, signal?: AbortSignal): Promise<void> {
  const r = await execa('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base, path], { reject: false, cancelSignal: signal });
  if (r.exitCode !== 0) throw new InfraError(`qemu-img overlay ${path} on ${base} failed: ${r.stderr}`);
}
