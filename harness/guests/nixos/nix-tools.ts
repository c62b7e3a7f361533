/**
 * Running the host's Nix commands: finding them (HostError with an install hint when absent),
 * the environment Nix 2.8 without a daemon needs, and one `runNix` that streams nix's log lines
 * and keeps its stderr for the error.
 */
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { execa } from 'execa';
import { AbortedError, HostError } from '../../errors.ts';

export const NIX_INSTALL_HINT =
  'apt-get install nix-bin (Debian/Ubuntu), or the Nix installer: sh <(curl -L https://nixos.org/nix/install) --daemon';

const DAEMON_SOCKET = '/nix/var/nix/daemon-socket/socket';

export interface NixRunOptions {
  env?: Record<string, string>;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  cwd?: string;
}

export interface NixRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

let versionCache: Promise<string> | undefined;

/** `nix-instantiate --version`'s number (`2.8.0`); HostError when Nix is not installed. */
export function nixVersion(): Promise<string> {
  versionCache ??= execa('nix-instantiate', ['--version'], { reject: false }).then((r) => {
    if (r.failed && (r.exitCode === undefined || r.exitCode === 127)) {
      versionCache = undefined;
      throw new HostError('nix-instantiate is not on PATH: the nixos guest needs Nix', NIX_INSTALL_HINT, { cause: r });
    }
    return /(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1] ?? '0';
  });
  return versionCache;
}

/**
 * The environment for nix commands: `NIX_REMOTE=` (the local store) when root has no daemon to
 * talk to, and `GC_DONT_GC=1` on Nix < 2.9, whose collector crashes evaluating an ISO.
 */
export async function nixEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const [major = 0, minor = 0] = (await nixVersion()).split('.').map(Number);
  if (major < 2 || (major === 2 && minor < 9)) env.GC_DONT_GC = '1';
  if (process.getuid?.() === 0 && process.env.NIX_REMOTE === undefined && !existsSync(DAEMON_SOCKET)) {
    env.NIX_REMOTE = '';
  }
  return env;
}

/** Runs a nix command; never throws on a non-zero exit (the caller names the blame). */
export async function runNix(command: string, args: string[], options: NixRunOptions = {}): Promise<NixRunResult> {
  const env = { ...(await nixEnv()), ...options.env };
  const startedAt = Date.now();
  const child = execa(command, args, {
    env,
    reject: false,
    cancelSignal: options.signal,
    forceKillAfterDelay: 5000,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const lines = createInterface({ input: child.stderr });
  lines.on('line', (line) => {
    if (!NIX_NOISE.some((re) => re.test(line))) options.onProgress?.(line);
  });
  const result = await child;
  if (result.isCanceled) throw new AbortedError(`${command} was stopped`, { cause: result });
  if (result.exitCode === undefined && /ENOENT/.test(String(result.cause ?? result.message))) {
    throw new HostError(`${command} is not on PATH: the nixos guest needs Nix`, NIX_INSTALL_HINT, { cause: result });
  }
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    durationMs: Date.now() - startedAt,
  };
}

/**
 * A nix command whose stdout is a stream (a NAR of gigabytes), not a buffer; `done` resolves with
 * its exit code and stderr once it ends, never throwing on a non-zero exit.
 *
 * @example
 * const { stdout, done } = streamNix('nix-store', ['--export', path]);
 */
export function streamNix(command: string, args: string[], options: { signal?: AbortSignal } = {}): { stdout: NodeJS.ReadableStream; done: Promise<{ exitCode: number; stderr: string }> } {
  const env = nixEnv();
  // Wrapped: a subprocess is a thenable, and a promise resolving to it would wait for its end.
  const child = env.then((e) => ({ process: execa(command, args, { env: e, reject: false, cancelSignal: options.signal, forceKillAfterDelay: 5000, buffer: { stdout: false } }) }));
  const stdout = new PassThrough();
  const done = child.then(async ({ process: c }) => {
    c.stdout.pipe(stdout);
    const result = await c;
    if (result.isCanceled) throw new AbortedError(`${command} was stopped`, { cause: result });
    if (result.exitCode === undefined && /ENOENT/.test(String(result.cause ?? result.message))) {
      throw new HostError(`${command} is not on PATH: the nixos guest needs Nix`, NIX_INSTALL_HINT, { cause: result });
    }
    return { exitCode: result.exitCode ?? -1, stderr: String(result.stderr ?? '') };
  });
  // A failure to start ends the stream, so the reader in the guest sees EOF, not a hang.
  done.catch(() => stdout.end());
  return { stdout, done };
}

/** Warnings every daemon-less Nix 2.8 run prints, which say nothing about this run. */
const NIX_NOISE = [
  /^warning: the group '.*' specified in 'build-users-group' does not exist/,
  /^warning: you did not specify '--add-root'/,
];

/** The part of nix's stderr that explains a failure: from the first `error:` on, without noise. */
export function nixErrorText(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => !NIX_NOISE.some((re) => re.test(l)));
  const first = lines.findIndex((l) => l.startsWith('error:'));
  return (first >= 0 ? lines.slice(first) : lines).join('\n').trim();
}
