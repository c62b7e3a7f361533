import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { OutputDir, defaultOutputDirName } from '../../harness/report/output-dir.ts';
import { Redactor } from '../../harness/util/redact.ts';
import { tempDir } from './sample-run.ts';

const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

describe('OutputDir', () => {
  it('creates the folder and the parents it creates 0700, and writes files 0600', async () => {
    const root = await tempDir();
    const out = new OutputDir(join(root, 'darlings-results', 'blog-debian'), new Redactor());
    await out.writeText('results.json', '{}');
    await out.writeBytes('shot.png', new Uint8Array([1, 2, 3]));
    const s = out.createWriteStream('serial-1.log');
    s.end('hello\n');
    await once(s, 'finish');
    expect(await mode(join(root, 'darlings-results'))).toBe(0o700);
    expect(await mode(out.path)).toBe(0o700);
    for (const f of ['results.json', 'shot.png', 'serial-1.log']) expect(await mode(join(out.path, f))).toBe(0o600);
    expect(await out.list()).toEqual(['results.json', 'serial-1.log', 'shot.png']);
  });

  it('redacts a secret in a live stream even when it is split across chunks', async () => {
    const out = new OutputDir(await tempDir(), new Redactor(['hunter2']));
    const s = out.createWriteStream('serial-2.log');
    s.write('Please unlock disk enc: hun');
    s.write('ter2\nok\npartial hunt');
    s.end('er2');
    await once(s, 'finish');
    const text = await readFile(join(out.path, 'serial-2.log'), 'utf8');
    expect(text).toBe('Please unlock disk enc: [redacted]\nok\npartial [redacted]');
  });

  it('refuses artifact names that leave the folder', async () => {
    const out = new OutputDir(await tempDir());
    await expect(out.writeText('../escape.txt', 'x')).rejects.toThrow(/inside/);
  });

  it('names the default folder darlings-results/<scenario>-<guest>-<timestamp>', () => {
    expect(defaultOutputDirName('blog-xps13', 'debian', new Date(Date.UTC(2025, 5, 3, 10, 13, 2)))).toBe(
      join('darlings-results', 'blog-xps13-debian-20250603T101302Z'),
    );
  });
});
