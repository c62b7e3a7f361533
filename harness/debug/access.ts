/**
 * How a person reaches a paused (or `darlings shell`-booted) guest: the run's SSH key in a 0600
 * file, the host key pinned from the console in a private known_hosts, and the command lines for
 * ssh, the serial console and QMP. Pure apart from writing the two files; no secret is in them
 * (the client key is the run's own throwaway key, never a scenario secret).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the guest is, as the runner knows it. */
export interface GuestAccess {
  /** 127.0.0.1 port forwarded to the guest's 22; undefined when the guest has no SSH yet. */
  sshPort?: number;
  /** The run's private key file (0600). */
  keyFile?: string;
  /** known_hosts holding only the host key the console announced for this boot. */
  knownHostsFile?: string;
  serialSocket: string;
  qmpSocket: string;
  user: string;
}

/** Single-quotes a word for a POSIX shell when it needs it. */
function q(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The known_hosts line for a forwarded port: `[127.0.0.1]:PORT ssh-ed25519 AAAA…`. */
export function knownHostsLine(port: number, hostKeyLine: string): string {
  const [type, blob] = hostKeyLine.trim().split(/\s+/);
  return `[127.0.0.1]:${port} ${type} ${blob}\n`;
}

/**
 * Writes the key and the pinned host key into `dir` (the run's 0700 work folder) and returns
 * where they are.
 */
export async function writeAccessFiles(dir: string, o: { privateKey: string; sshPort: number; hostKeyLine?: string; boot: number }): Promise<{ keyFile: string; knownHostsFile?: string }> {
  const keyFile = join(dir, 'debug_ed25519');
  await writeFile(keyFile, o.privateKey.endsWith('\n') ? o.privateKey : `${o.privateKey}\n`, { mode: 0o600 });
  if (!o.hostKeyLine) return { keyFile };
  const knownHostsFile = join(dir, `known_hosts-${o.boot}`);
  await writeFile(knownHostsFile, knownHostsLine(o.sshPort, o.hostKeyLine), { mode: 0o600 });
  return { keyFile, knownHostsFile };
}

/** ssh's argv (without the leading `ssh`) for this guest; extra words are the remote command. */
export function sshArgs(a: GuestAccess, remote: string[] = []): string[] {
  if (a.sshPort === undefined || !a.keyFile || !a.knownHostsFile) throw new Error('The guest has no SSH access yet (no host key announced on this boot)');
  return [
    '-i', a.keyFile,
    '-p', String(a.sshPort),
    '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${a.knownHostsFile}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR',
    `${a.user}@127.0.0.1`,
    ...remote,
  ];
}

/** The lines a person pastes, in the order they are useful. */
export function accessLines(a: GuestAccess): { label: string; command: string }[] {
  const lines: { label: string; command: string }[] = [];
  if (a.sshPort !== undefined && a.keyFile && a.knownHostsFile) lines.push({ label: 'ssh', command: ['ssh', ...sshArgs(a)].map(q).join(' ') });
  // Ctrl-] ends socat's session (escape=0x1d) without sending it to the guest.
  lines.push({ label: 'serial', command: `socat -,raw,echo=0,escape=0x1d UNIX-CONNECT:${q(a.serialSocket)}` });
  lines.push({ label: 'qmp', command: `socat - UNIX-CONNECT:${q(a.qmpSocket)}` });
  return lines;
}
