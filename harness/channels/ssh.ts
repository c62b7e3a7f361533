/**
 * The SSH channel (ssh2): connect with retries while the guest's sshd comes up, refuse any host
 * key but the pinned one (that error is final, never retried), exec with exit code, stdout and
 * stderr, and upload through stdin (no SFTP server needed in the guest).
 */
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { AbortedError, CommandFailed, HarnessError, InfraError, TimeoutError } from '../errors.ts';
import { formatDuration } from '../util/duration.ts';
import { pollUntil, StopPolling, throwIfAborted, withLimit } from '../util/poll.ts';
import type { Redactor } from '../util/redact.ts';
import { shQuote } from '../util/shell.ts';
import type { ExecOptions, ExecResult, GuestShell } from './shell.ts';
import { fingerprint } from './keys.ts';

/** The guest presented a host key other than the pinned one. Never retried. */
export class HostKeyMismatch extends HarnessError {
  override name = 'HostKeyMismatch';
}

export interface SshOptions {
  port: number;
  host?: string;
  username?: string;
  privateKey: string;
  /** Raw blob of the only host key accepted. */
  hostKey: Buffer;
  /** Its algorithm (e.g. `ssh-ed25519`); asked for alone, so the server shows that key. */
  hostKeyType?: string;
  connectTimeoutMs: number;
  /** Default limit for one command. */
  commandTimeoutMs: number;
  redactor: Redactor;
  /** Where the transcript goes (ssh.log); text is redacted before it gets here. */
  transcript?: (text: string) => void;
  signal?: AbortSignal;
}

export class SshChannel implements GuestShell {
  private constructor(
    private readonly client: Client,
    private readonly options: SshOptions,
  ) {}

  /**
   * Connects, retrying refused/reset connections until `connectTimeoutMs`.
   *
   * @example
   * const ssh = await SshChannel.connect({ port, privateKey, hostKey, connectTimeoutMs: 60_000, commandTimeoutMs: 120_000, redactor });
   * const { exitCode } = await ssh.run('test -b /dev/nvme0n1');
   */
  static async connect(options: SshOptions): Promise<SshChannel> {
    const started = Date.now();
    let attempts = 0;
    let lastError: unknown;
    const client = await pollUntil(
      async () => {
        attempts++;
        try {
          return await connectOnce(options);
        } catch (error) {
          lastError = error;
          // Only the network is worth retrying; a wrong host key or refused auth will not get better.
          if (error instanceof HostKeyMismatch || !isTransient(error)) throw new StopPolling(error);
          throw error;
        }
      },
      {
        timeoutMs: options.connectTimeoutMs,
        intervalMs: 500,
        backoff: 1.5,
        maxIntervalMs: 2000,
        signal: options.signal,
        what: `SSH on 127.0.0.1:${options.port} to accept the key`,
      },
    ).catch((error: unknown) => {
      if (error instanceof HostKeyMismatch || error instanceof AbortedError) throw error;
      const last = error instanceof TimeoutError ? lastError : error;
      throw new InfraError(
        `Could not connect over SSH to 127.0.0.1:${options.port} within ${formatDuration(Date.now() - started)} (${attempts} attempts): ${(last as Error | undefined)?.message ?? String(last)}`,
        { cause: error },
      );
    });
    const channel = new SshChannel(client, options);
    channel.#log(`# connected to 127.0.0.1:${options.port} after ${attempts} attempt(s)\n`);
    return channel;
  }

  #log(text: string): void {
    this.options.transcript?.(this.options.redactor.redact(text));
  }

  /**
   * Runs `command` under the guest's shell. Resolves with its exit code whatever it is; throws
   * CommandFailed (timedOut) when it outlives its limit, the signal's reason when aborted, and an
   * InfraError when the channel itself fails.
   */
  async run(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    throwIfAborted(options.signal);
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs;
    const started = Date.now();
    const redact = (t: string) => this.options.redactor.redact(t);
    this.#log(`$ ${command}\n`);
    let stdout = '';
    let stderr = '';
    let stream: ClientChannel | undefined;
    const done = new Promise<ExecResult>((resolve, reject) => {
      this.client.exec(command, (err, s) => {
        if (err) return reject(new InfraError(`SSH exec failed for \`${redact(command)}\`: ${err.message}`, { cause: err }));
        stream = s;
        s.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
        s.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
        // Output can trail the exit status, so the result is settled on close, with exit's code.
        let exitCode = 255;
        s.on('exit', (code: number | null, signal?: string) => {
          exitCode = code ?? (signal ? 128 : 255);
        });
        s.on('close', () => resolve({ exitCode, stdout, stderr, durationMs: Date.now() - started }));
        // A stream (a store closure) is piped as it comes; text and buffers are written at once.
        if (options.stdin !== undefined && typeof options.stdin === 'object' && 'pipe' in options.stdin) options.stdin.pipe(s);
        else if (options.stdin !== undefined) s.end(options.stdin);
        else s.end();
      });
    });
    const result = await withLimit(done, {
      timeoutMs,
      signal: options.signal,
      stop: () => stream?.close(),
      timedOut: () => new CommandFailed({ command, stdout, stderr, durationMs: Date.now() - started, timedOut: true, timeoutMs }, redact),
    });
    const out = (result.stdout + result.stderr).trimEnd();
    this.#log(`${out ? out + '\n' : ''}# exit ${result.exitCode} (${result.durationMs} ms)\n`);
    return result;
  }

  /** Like run, but a non-zero exit throws CommandFailed carrying the whole result. */
  async expectSuccess(command: string, options: ExecOptions = {}): Promise<string> {
    const r = await this.run(command, options);
    if (r.exitCode !== 0) throw new CommandFailed({ command, ...r, timedOut: false }, (t) => this.options.redactor.redact(t));
    return r.stdout;
  }

  async upload(path: string, content: string | Buffer, mode = 0o644, options: Omit<ExecOptions, 'stdin'> = {}): Promise<void> {
    const dir = path.replace(/\/[^/]*$/, '') || '/';
    await this.expectSuccess(
      `mkdir -p ${shQuote(dir)} && umask 077 && cat > ${shQuote(path)} && chmod ${mode.toString(8)} ${shQuote(path)}`,
      { ...options, stdin: content },
    );
  }

  close(): void {
    this.client.end();
  }
}

/** One connection attempt; the host key check happens inside ssh2's handshake. */
function connectOnce(options: SshOptions): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let mismatch: Buffer | undefined;
    const config: ConnectConfig = {
      host: options.host ?? '127.0.0.1',
      port: options.port,
      username: options.username ?? 'root',
      privateKey: options.privateKey,
      readyTimeout: 20_000,
      keepaliveInterval: 10_000,
      // Offer only the announced key's algorithm, or a server with several keys may show another.
      algorithms: { serverHostKey: [(options.hostKeyType ?? keyTypeOf(options.hostKey)) as 'ssh-ed25519'] },
      hostVerifier: (key: Buffer) => {
        if (key.equals(options.hostKey)) return true;
        mismatch = key;
        return false;
      },
    };
    let settled = false;
    client.once('ready', () => {
      settled = true;
      resolve(client);
    });
    // ssh2 can emit more than one error (e.g. after the guest reboots under an open session);
    // one unhandled 'error' would crash the harness, so every later one is swallowed here and
    // surfaces as a failed exec on the closed connection instead.
    client.on('error', () => {});
    client.once('error', (err: Error) => {
      if (settled) return;
      settled = true;
      client.end();
      if (mismatch) {
        const got = mismatch;
        void Promise.all([fingerprint(got), fingerprint(options.hostKey)]).then(([g, w]) =>
          reject(
            new HostKeyMismatch(
              `Refusing SSH to 127.0.0.1:${options.port}: the host key is ${g}, but the guest's console announced ${w}. Someone else answered, or the guest changed its key.`,
            ),
          ),
        );
      } else reject(err);
    });
    client.connect(config);
  });
}

/** The algorithm name inside an SSH public key blob (a length-prefixed string). */
export function keyTypeOf(blob: Buffer): string {
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('ascii');
}

/** Connection-level failures that a guest still booting produces. */
function isTransient(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException & { level?: string };
  if (e.code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'].includes(e.code)) return true;
  if (e.level === 'client-timeout' || e.level === 'client-socket') return true;
  return /Timed out while waiting for handshake|Connection lost before handshake|ended by other party/i.test(e.message ?? '');
}
