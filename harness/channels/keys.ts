/**
 * Per-run SSH keys and the host key as the console announced it. The client key never leaves the
 * run's temp folder; the host key is pinned from the `darlings-hostkey:` console line, never
 * taken from the network.
 */
import ssh2 from 'ssh2';
import { InfraError } from '../errors.ts';

export interface ClientKey {
  /** OpenSSH private key (PEM-like text). */
  privateKey: string;
  /** `ssh-ed25519 AAAA… comment`, handed to the guest through fw_cfg. */
  publicKey: string;
}

/** A fresh ed25519 key for one run. */
export function generateClientKey(comment = 'darlings'): ClientKey {
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
  return { privateKey: pair.private, publicKey: pair.public.trim() };
}

export const HOSTKEY_LINE = /darlings-hostkey: (ssh-ed25519 [A-Za-z0-9+/=]+)/;

/** The raw key blob of an OpenSSH public key line (`ssh-ed25519 AAAA…`). */
export function hostKeyBlob(line: string): Buffer {
  const m = /^(ssh-[\w-]+|ecdsa-[\w-]+) ([A-Za-z0-9+/=]+)/.exec(line.trim());
  if (!m?.[2]) throw new InfraError(`Not an OpenSSH public key: ${line.slice(0, 60)}`);
  return Buffer.from(m[2], 'base64');
}

/** SHA256 fingerprint as `ssh-keygen -l` prints it, for messages. */
export async function fingerprint(blob: Buffer): Promise<string> {
  const { createHash } = await import('node:crypto');
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}
