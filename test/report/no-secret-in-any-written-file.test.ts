import { readFile, readdir } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReporters, OutputDir } from '../../harness/report/index.ts';
import { Redactor } from '../../harness/util/redact.ts';
import { sampleRun, tempDir } from './sample-run.ts';

const SECRETS = ['correct-horse-battery-staple-42', 'p&ss<w>rd"9'];
/** A leak escaped by HTML or XML would hide from a plain grep; look for those forms too. */
const forms = (s: string): string[] => [s, s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')];

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join((e as { parentPath?: string }).parentPath ?? dir, e.name));
}

describe('redaction', () => {
  it('no secret appears in any file any reporter writes, nor on the terminal', async () => {
    const root = await tempDir();
    const redactor = new Redactor(SECRETS);
    const runs = [sampleRun({ outputDir: join(root, 'a'), runId: 'a', secret: SECRETS[0] }), sampleRun({ outputDir: join(root, 'b'), runId: 'b', guest: 'nixos', secret: SECRETS[1] })];
    // What the core writes itself, through OutputDir: the serial console saw the passphrase typed.
    for (const [i, r] of runs.entries()) {
      const out = new OutputDir(r.info.outputDir, redactor);
      const serial = out.createWriteStream('serial-2.log');
      serial.write(`Please unlock disk enc: ${SECRETS[i]!.slice(0, 5)}`);
      serial.end(`${SECRETS[i]!.slice(5)}\nunlocked\n`);
      await once(serial, 'finish');
      await out.writeText('ssh.log', `$ echo ${SECRETS[i]} | cryptsetup open /dev/nvme0n1p3 enc -\n`);
      await out.writeText('fs-diff.txt', `/etc/${SECRETS[i]}\n/var/lib/x\n`);
    }
    const terminal: string[] = [];
    const reporter = createReporters(['list,junit,json,html'], { stdout: { write: (s: string) => terminal.push(s) }, isTTY: false, redactor });
    for (const r of runs) for (const e of r.events) reporter.onEvent(e);
    await reporter.onEnd(runs.map((r) => r.result));
    expect(reporter.errors).toEqual([]);

    const files = await allFiles(root);
    expect(files.map((f) => f.slice(root.length + 1)).sort()).toEqual(
      expect.arrayContaining(['index.html', 'a/results.json', 'a/junit.xml', 'a/report.html', 'a/serial-2.log', 'b/report.html']),
    );
    for (const f of files) {
      const text = await readFile(f, 'utf8');
      for (const s of SECRETS) for (const form of forms(s)) expect(text.includes(form), `${form} in ${f}`).toBe(false);
    }
    const said = terminal.join('');
    for (const s of SECRETS) expect(said).not.toContain(s);
    expect(said).toContain('[redacted]');
    expect(await readFile(join(root, 'a', 'serial-2.log'), 'utf8')).toBe('Please unlock disk enc: [redacted]\nunlocked\n');
  });
});
