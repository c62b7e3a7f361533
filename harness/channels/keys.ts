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
  // ssh2's generator drops a leading zero byte of the ed25519 key about once in 70 keys and then
  // cannot parse its own output; such a key is thrown away and a new one made.
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error)) return { privateKey: pair.private, publicKey: pair.public.trim() };
  }
  throw new InfraError('Could not generate a usable ed25519 key');
}

// Up to the end of the line: the serial stream arrives in chunks, and a half line is a wrong key.
export const HOSTKEY_LINE = /darlings-hostkey: (ssh-[a-z0-9-]+ [A-Za-z0-9+/=]+)[^\S\n]*\r?\n/;

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
