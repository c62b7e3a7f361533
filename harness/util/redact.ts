/**
 * Replaces registered secrets (LUKS passphrase, passwords) with `[redacted]` in any text that
 * leaves the process: transcripts, logs, messages, results. Secrets are registered when the
 * scenario is loaded, before anything can print them.
 *
 * @example
 * const r = new Redactor(['hunter2']);
 * r.redact('pw=hunter2'); // 'pw=[redacted]'
 */
export const REDACTED = '[redacted]';

export class Redactor {
  #secrets: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret; empty strings are ignored (they would match everywhere). */
  add(secret: string): void {
    if (!secret || this.#secrets.includes(secret)) return;
    this.#secrets.push(secret);
    // Longest first, so a secret containing another is replaced whole.
    this.#secrets.sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.#secrets.length;
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.#secrets) out = out.split(s).join(REDACTED);
    return out;
  }

  /** Deep-redacts strings inside plain JSON-like data. */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.redactValue(v);
      return out as T;
    }
    return value;
  }

  /** True if any registered secret occurs in `text` (used by tests and the artifact scan). */
  leaks(text: string): boolean {
    return this.#secrets.some((s) => text.includes(s));
  }
}
