/** readResults: a results folder read back for programs, or an error naming the file. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../harness/report/read-results.ts';
import { HarnessError } from '../../harness/errors.ts';

const RECORDED = join(import.meta.dirname, '../fixtures/recorded-run');

describe('readResults', () => {
  it('reads a recorded run: the result and the files beside it', async () => {
    const folder = await readResults(RECORDED);
    expect(folder.result.guest).toBe('debian');
    expect(folder.result.checks.length).toBeGreaterThan(0);
    expect(folder.files).toEqual(expect.arrayContaining(['results.json', 'serial-1.log']));
  });

  it('names the file when it is missing or not a run\'s results', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'darlings-read-'));
    try {
      await expect(readResults(dir)).rejects.toThrow(new RegExp(`Cannot read ${dir}/results\\.json`));
      await writeFile(join(dir, 'results.json'), JSON.stringify({ scenario: 'x', guest: 'windows', status: 'passed', phases: [] }));
      const error = await readResults(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HarnessError);
      expect((error as Error).message).toMatch(/is not a darlings results\.json \(missing or wrong: guest, checks\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
