/**
 * A small QMP client: one JSON object per line over a unix socket. Commands are answered in
 * order, so a FIFO of pending promises is enough; events go to listeners.
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { InfraError } from '../errors.ts';

export interface QmpEvent {
  event: string;
  data?: unknown;
  timestamp?: { seconds: number; microseconds: number };
}

type Pending = { command: string; resolve: (v: unknown) => void; reject: (e: Error) => void };

export class QmpClient {
  #socket: Socket;
  #buffer = '';
  #pending: Pending[] = [];
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

  /** Connects and leaves capabilities negotiation mode (QMP's handshake). */
  static async connect(path: string): Promise<QmpClient> {
    const socket = connect(path);
    await once(socket, 'connect');
    const client = new QmpClient(socket);
    await client.#greeting();
    await client.execute('qmp_capabilities');
    return client;
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
        const p = this.#pending.shift();
        if (!p) continue;
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
    for (const p of this.#pending.splice(0)) {
      // `quit` is answered by the socket closing; that is its success.
      if (p.command === 'quit') p.resolve(undefined);
      else p.reject(new InfraError(`QMP connection closed during ${p.command}`));
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    if (this.#closed) return Promise.reject(new InfraError(`QMP connection is closed (${command})`));
    return new Promise((resolve, reject) => {
      this.#pending.push({ command, resolve, reject });
      this.#socket.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n');
    });
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
