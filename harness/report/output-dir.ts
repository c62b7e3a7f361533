/**
 * The output folder of one run (DESIGN.md "Output folder"): folders 0700, files 0600, and every
 * text that goes in passes through the run's Redactor first, so no writer can forget to redact.
 *
 * @example
 * const out = new OutputDir(defaultOutputDirName('blog-xps13', 'debian'), redactor);
 * await out.writeText('ssh.log', transcript);
 * const serial = out.createWriteStream('serial-1.log');
 */
import { createWriteStream as fsCreateWriteStream, chmodSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';
import { chmod, mkdir, open, readdir } from 'node:fs/promises';
import { exists } from '../util/fs.ts';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Writable } from 'node:stream';
import { Redactor } from '../util/redact.ts';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;
/** Where runs land without `--output`. */
export const DEFAULT_RESULTS_ROOT = 'darlings-results';
/** A streamed line longer than this is written out anyway; we keep this much back for redaction. */
const STREAM_HOLD_BYTES = 4096;
const STREAM_TAIL_KEEP = 512;

/**
 * `darlings-results/<scenario>-<guest>-<timestamp>`, the timestamp UTC and free of ':' so the
 * name is valid on every filesystem and sorts by time.
 *
 * @example defaultOutputDirName('blog-xps13', 'debian', new Date(0)) // 'darlings-results/blog-xps13-debian-19700101T000000Z'
 */
export function defaultOutputDirName(scenario: string, guest: string, at: Date = new Date(), root = DEFAULT_RESULTS_ROOT): string {
  const stamp = at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  return join(root, `${safeName(scenario)}-${safeName(guest)}-${stamp}`);
}

/** Scenario names come from users; keep them to one path segment. */
function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || '_';
}

export class OutputDir {
  readonly path: string;
  readonly redactor: Redactor;

  constructor(path: string, redactor: Redactor = new Redactor()) {
    this.path = resolve(path);
    this.redactor = redactor;
  }

  /** Creates the folder and any missing parents, each 0700 (mkdir's mode is masked by umask). */
  async ensure(): Promise<string> {
    const missing: string[] = [];
    for (let d = this.path; ; d = dirname(d)) {
      if (await exists(d)) break;
      missing.unshift(d);
      if (dirname(d) === d) break;
    }
    await mkdir(this.path, { recursive: true, mode: DIR_MODE });
    for (const d of missing) await chmod(d, DIR_MODE);
    // The run folder itself is always private, even if it existed before.
    await chmod(this.path, DIR_MODE);
    return this.path;
  }

  /** Sync twin of `ensure` for `createWriteStream`, which must hand back a stream at once. */
  ensureSync(): void {
    const missing: string[] = [];
    for (let d = this.path; ; d = dirname(d)) {
      try {
        statSync(d);
        break;
      } catch {
        missing.unshift(d);
        if (dirname(d) === d) break;
      }
    }
    mkdirSync(this.path, { recursive: true, mode: DIR_MODE });
    for (const d of missing) chmodSync(d, DIR_MODE);
    chmodSync(this.path, DIR_MODE);
  }

  /** Absolute path of an artifact; refuses names that would leave the folder. */
  resolve(name: string): string {
    const p = resolve(this.path, name);
    if (p !== this.path && !p.startsWith(this.path + sep)) {
      throw new Error(`Expected an artifact name inside ${this.path}, got \`${name}\``);
    }
    return p;
  }

  /** Writes redacted text, 0600. Returns the absolute path. */
  async writeText(name: string, text: string): Promise<string> {
    return this.writeBytes(name, Buffer.from(this.redactor.redact(text), 'utf8'));
  }

  /** Writes JSON-like data, every string in it redacted. */
  async writeJson(name: string, value: unknown): Promise<string> {
    return this.writeText(name, JSON.stringify(this.redactor.redactValue(value), null, 2) + '\n');
  }

  /** Writes bytes as they are (screenshots); text must go through `writeText`. */
  async writeBytes(name: string, data: Uint8Array): Promise<string> {
    const p = this.resolve(name);
    await this.ensure();
    if (dirname(p) !== this.path) await new OutputDir(dirname(p), this.redactor).ensure();
    const fh = await open(p, 'w', FILE_MODE);
    try {
      // `open`'s mode applies only when it creates the file; an old file keeps its mode otherwise.
      await fh.chmod(FILE_MODE);
      await fh.writeFile(data);
    } finally {
      await fh.close();
    }
    return p;
  }

  /**
   * A live, redacting, 0600 stream (serial logs). Text is held back to the last newline so a
   * secret split across two chunks is still caught; `end()` flushes the rest.
   */
  createWriteStream(name: string): Writable {
    const p = this.resolve(name);
    this.ensureSync();
    // Open synchronously so the file exists (and is 0600, even if it existed before) on return.
    const fd = openSync(p, 'w', FILE_MODE);
    fchmodSync(fd, FILE_MODE);
    const file = fsCreateWriteStream(p, { fd });
    const redactor = this.redactor;
    let pending = '';
    const flush = (text: string, cb: (err?: Error | null) => void): void => {
      if (!text) return cb();
      file.write(redactor.redact(text), (err) => cb(err ?? null));
    };
    return new Writable({
      decodeStrings: false,
      write(chunk: Buffer | string, _enc, cb) {
        pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
        let cut = pending.lastIndexOf('\n') + 1;
        // A console that never sends a newline must not grow memory forever.
        if (cut === 0 && pending.length > STREAM_HOLD_BYTES) cut = pending.length - STREAM_TAIL_KEEP;
        const out = pending.slice(0, cut);
        pending = pending.slice(cut);
        flush(out, cb);
      },
      final(cb) {
        const out = pending;
        pending = '';
        flush(out, (err) => (err ? cb(err) : file.end(() => cb())));
      },
      destroy(err, cb) {
        file.destroy();
        cb(err);
      },
    });
  }

  /** Artifacts in the folder, relative names with '/' separators, sorted. */
  async list(): Promise<string[]> {
    if (!(await exists(this.path))) return [];
    const entries = await readdir(this.path, { recursive: true, withFileTypes: true });
    const files: string[] = [];
    for (const e of entries) {
      if (!e.isFile()) continue;
      // `parentPath` is Node ≥ 20.12; `path` is the older name of the same thing.
      const parent = (e as { parentPath?: string }).parentPath ?? (e as unknown as { path: string }).path;
      files.push(relative(this.path, join(parent, e.name)).split(sep).join('/'));
    }
    return files.sort();
  }
}

