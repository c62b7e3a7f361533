/**
 * A small QMP client: one JSON object per line over a unix socket. Each command carries an `id`
 * that QEMU echoes in its answer, so a command given up on (timeout, abort) cannot take the next
 * one's answer; events go to listeners.
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { InfraError } from '../errors.ts';
import { formatDuration } from '../util/duration.ts';
import { throwIfAborted, withLimit } from '../util/poll.ts';

/** How long QMP may take to answer one command (QEMU answers in milliseconds when healthy). */
export const QMP_COMMAND_TIMEOUT_MS = 10_000;

export interface QmpOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface QmpEvent {
  event: string;
  data?: unknown;
  timestamp?: { seconds: number; microseconds: number };
}

type Pending = { command: string; resolve: (v: unknown) => void; reject: (e: unknown) => void };

export class QmpClient {
  #socket: Socket;
  #buffer = '';
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #listeners = new Set<(e: QmpEvent) => void>();
  #closed = false;
  readonly events: QmpEvent[] = [];

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('close', () => this.#onClose());
    socket.on('error', () => this.#onClose());
  }

  /** Connects and leaves capabilities negotiation mode (QMP's handshake), within `timeoutMs`. */
  static async connect(path: string, options: QmpOptions = {}): Promise<QmpClient> {
    const timeoutMs = options.timeoutMs ?? QMP_COMMAND_TIMEOUT_MS;
    const socket = connect(path);
    const client = new QmpClient(socket);
    try {
      const greeted = (async () => {
        await once(socket, 'connect');
        await client.#greeting();
      })();
      await withLimit(greeted, {
        timeoutMs,
        signal: options.signal,
        timedOut: () => new InfraError(`QMP on ${path} did not greet within ${formatDuration(timeoutMs)}`),
      });
      throwIfAborted(options.signal);
      await client.execute('qmp_capabilities', undefined, options);
      return client;
    } catch (error) {
      client.close();
      throwIfAborted(options.signal);
      throw error;
    }
  }

  #greetingResolve?: () => void;
  #greeting(): Promise<void> {
    return new Promise((resolve) => (this.#greetingResolve = resolve));
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let nl: number;
    while ((nl = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, nl).trim();
      this.#buffer = this.#buffer.slice(nl + 1);
      if (!line) continue;
      const msg = JSON.parse(line) as Record<string, unknown>;
      if ('QMP' in msg) {
        this.#greetingResolve?.();
      } else if ('event' in msg) {
        const event = msg as unknown as QmpEvent;
        this.events.push(event);
        for (const l of this.#listeners) l(event);
      } else if ('return' in msg || 'error' in msg) {
        const p = this.#pending.get(msg.id as number);
        if (!p) continue; // answer to a command given up on
        this.#pending.delete(msg.id as number);
        if ('error' in msg) {
          const err = msg.error as { class?: string; desc?: string };
          p.reject(new InfraError(`QMP ${p.command} failed: ${err.desc ?? err.class}`));
        } else p.resolve(msg.return);
      }
    }
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      // `quit` is answered by the socket closing; that is its success.
      if (p.command === 'quit') p.resolve(undefined);
      else p.reject(new InfraError(`QMP connection closed during ${p.command}`));
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs one QMP command; rejects with an InfraError when QEMU refuses it or gives no answer
   * within `timeoutMs`, and with an AbortedError when `signal` stops it first.
   *
   * @example await qmp.execute('screendump', { filename: '/tmp/s.png', format: 'png' }, { signal });
   */
  async execute(command: string, args?: Record<string, unknown>, options: QmpOptions = {}): Promise<unknown> {
    if (this.#closed) throw new InfraError(`QMP connection is closed (${command})`);
    throwIfAborted(options.signal);
    const id = this.#nextId++;
    const timeoutMs = options.timeoutMs ?? QMP_COMMAND_TIMEOUT_MS;
    const answer = new Promise<unknown>((resolve, reject) => this.#pending.set(id, { command, resolve, reject }));
    const limited = withLimit(answer, {
      timeoutMs,
      signal: options.signal,
      timedOut: () => new InfraError(`QMP ${command} got no answer within ${formatDuration(timeoutMs)}`),
      stop: () => this.#pending.delete(id),
    });
    this.#socket.write(JSON.stringify(args ? { execute: command, arguments: args, id } : { execute: command, id }) + '\n');
    return limited;
  }

  onEvent(listener: (e: QmpEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#socket.destroy();
    this.#onClose();
  }
}
