/**
 * The serial console with expect-style verbs: wait for a pattern, send, type a secret, and run a
 * command to get its output and exit code through markers the typed line cannot contain.
 * While waiting it watches for a kernel panic or an emergency shell, and reports those as such
 * rather than as a plain timeout.
 */
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { GuestCrashed, InfraError } from '../errors.ts';
import { pollUntil, StopPolling } from '../util/poll.ts';
import type { Redactor } from '../util/redact.ts';

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** For the timeout message; defaults to the pattern. */
  what?: string;
  /** Match from this absolute offset instead of the cursor (to look back over a boot). */
  from?: number;
}

export interface SerialRunResult {
  exitCode: number;
  output: string;
}

/** Lines that mean the boot went wrong in a way worth naming. */
const CRASHES: { kind: GuestCrashed['kind']; pattern: RegExp; say: string }[] = [
  { kind: 'kernel-panic', pattern: /Kernel panic - not syncing[^\n]*/, say: 'the guest kernel panicked' },
  { kind: 'emergency-mode', pattern: /You are in emergency mode[^\n]*|Entering emergency mode[^\n]*|darlings-initrd: emergency:[^\n]*/, say: 'the guest dropped to an emergency shell' },
];

const MAX_BUFFER = 2 * 1024 * 1024;
const TAIL_LINES = 40;

export class SerialConsole {
  #socket: Socket;
  #decoder = new StringDecoder('utf8');
  /** Everything seen since `#base`; `#cursor` is where the next wait starts matching. */
  #buffer = '';
  #base = 0;
  #cursor = 0;
  #closed = false;
  #transcript?: (text: string) => void;
  #waiters = new Set<() => void>();
  /** Offset (in the whole stream) from which crash patterns count; moved on purpose by reboots. */
  #crashFrom = 0;

  constructor(
    socket: Socket,
    readonly redactor: Redactor,
  ) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(this.#decoder.write(chunk)));
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on('error', () => {
      this.#closed = true;
      this.#wake();
    });
  }

  /** Where console output goes (the per-boot serial log); redacted on the way. */
  setTranscript(sink: ((text: string) => void) | undefined): void {
    this.flushTranscript();
    this.#transcript = sink;
  }

  /**
   * Console output arrives a few bytes at a time (echo is per keystroke), so a secret can be
   * split over chunks: the transcript gets whole lines only, redacted as lines.
   */
  #pending = '';
  #toTranscript(text: string): void {
    this.#pending += text;
    const nl = this.#pending.lastIndexOf('\n');
    if (nl < 0 && this.#pending.length < 8192) return;
    const cut = nl < 0 ? this.#pending.length : nl + 1;
    this.#transcript?.(this.redactor.redact(this.#pending.slice(0, cut)));
    this.#pending = this.#pending.slice(cut);
  }

  /** Writes out a last partial line (at the end of a boot or before switching logs). */
  flushTranscript(): void {
    if (this.#pending) this.#transcript?.(this.redactor.redact(this.#pending));
    this.#pending = '';
  }

  #onData(text: string): void {
    if (!text) return;
    this.#buffer += text;
    this.#toTranscript(text);
    if (this.#buffer.length > MAX_BUFFER) {
      const drop = this.#buffer.length - MAX_BUFFER / 2;
      this.#buffer = this.#buffer.slice(drop);
      this.#base += drop;
      this.#cursor = Math.max(this.#cursor, this.#base);
    }
    this.#wake();
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Absolute offset of the end of what has been seen. */
  get position(): number {
    return this.#base + this.#buffer.length;
  }

  /** Skips everything seen so far: later waits only match new output. */
  skipSeen(): void {
    this.#cursor = this.position;
  }

  /** Crash patterns before this point are old news (e.g. a previous boot's); returns the offset. */
  markBoot(): number {
    this.#crashFrom = this.position;
    this.#cursor = this.position;
    return this.position;
  }

  /** The last `n` lines seen, redacted, for error messages. */
  tail(n = TAIL_LINES): string {
    const lines = this.#buffer.replace(/\r/g, '').split('\n');
    return this.redactor.redact(lines.slice(-n).join('\n'));
  }

  /** Everything seen since `from` (an absolute offset), for parsing output. */
  since(from: number): string {
    return this.#buffer.slice(Math.max(0, from - this.#base));
  }

  /**
   * Resolves with the match once `pattern` appears after the cursor, and moves the cursor past it.
   *
   * @example
   * await serial.waitFor(/Enter passphrase for/, { timeoutMs: 180_000, what: 'the LUKS prompt' });
   */
  async waitFor(pattern: RegExp, options: WaitOptions): Promise<RegExpExecArray> {
    const what = options.what ?? String(pattern);
    const re = new RegExp(pattern.source, pattern.flags.replace('g', ''));
    // pollUntil, woken by new output rather than a fixed interval: a crash or a closed console
    // ends the wait at once (StopPolling); a timeout shows the console's last lines.
    return pollUntil(
      () => {
        const start = Math.max(this.#base, options.from ?? this.#cursor);
        const m = re.exec(this.#buffer.slice(start - this.#base));
        if (m) {
          this.#cursor = Math.max(this.#cursor, start + m.index + m[0].length);
          return m;
        }
        try {
          this.#throwIfCrashed(what);
        } catch (error) {
          throw new StopPolling(error);
        }
        if (this.#closed)
          throw new StopPolling(new GuestCrashed('qemu-exited', `The serial console closed (QEMU exited) while waiting for ${what}.\n--- last output ---\n${this.tail()}`));
        return undefined;
      },
      { timeoutMs: options.timeoutMs, signal: options.signal, what, lastSeen: () => this.tail(), wake: (ms, signal) => this.#changed(ms, signal) },
    );
  }

  /** Resolves on new output, close, abort, or after `ms`: whichever comes first. */
  #changed(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  #throwIfCrashed(what: string): void {
    const window = this.#buffer.slice(Math.max(0, this.#crashFrom - this.#base));
    for (const crash of CRASHES) {
      const m = crash.pattern.exec(window);
      if (m) throw new GuestCrashed(crash.kind, `${crash.say} while waiting for ${what}: ${this.redactor.redact(m[0].trim())}\n--- last output ---\n${this.tail()}`);
    }
  }

  send(text: string): void {
    if (this.#closed) throw new InfraError('The serial console is closed');
    this.#socket.write(text);
  }

  /** Types a line; `\r` is what a terminal's Enter sends. */
  sendLine(line: string): void {
    this.send(`${line}\r`);
  }

  /** Types a secret and Enter; it is registered with the redactor so echoes are masked too. */
  typeSecret(secret: string): void {
    this.redactor.add(secret);
    this.send(`${secret}\r`);
  }

  /**
   * Runs a shell command on the console and returns its output and exit code. The markers are
   * printed by printf from separate words, so the echoed command line never matches them.
   */
  async run(command: string, options: WaitOptions): Promise<SerialRunResult> {
    const id = randomBytes(4).toString('hex');
    this.skipSeen();
    this.sendLine(`printf '%s_%s\\n' __DLB ${id}; ${command}; printf '%s_%s:%d\\n' __DLE ${id} $?`);
    const what = options.what ?? `\`${command}\` on the serial console`;
    await this.waitFor(new RegExp(`__DLB_${id}\\r?\\n`), { ...options, what });
    const start = this.#cursor;
    const end = await this.waitFor(new RegExp(`__DLE_${id}:(\\d+)`), { ...options, what });
    const output = this.#buffer
      .slice(start - this.#base, this.#cursor - this.#base - end[0].length)
      .replace(/\r\n/g, '\n')
      .replace(/\r/g, '');
    return { exitCode: Number(end[1]), output };
  }

  close(): void {
    this.flushTranscript();
    this.#socket.destroy();
  }
}
