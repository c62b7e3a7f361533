import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { constants } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exists } from '../../harness/util/fs.ts';

const dir = mkdtempSync(join(tmpdir(), 'darlings-exists-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exists', () => {
  it('is true for a file and a link to one, false for nothing and a dangling link', async () => {
    writeFileSync(join(dir, 'f'), 'x');
    symlinkSync(join(dir, 'f'), join(dir, 'link'));
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));
    expect(await exists(join(dir, 'f'))).toBe(true);
    expect(await exists(join(dir, 'link'))).toBe(true);
    expect(await exists(join(dir, 'nothing'))).toBe(false);
    expect(await exists(join(dir, 'dangling'))).toBe(false);
  });

  it('asks for a mode when given one', async () => {
    writeFileSync(join(dir, 'plain'), 'x');
    chmodSync(join(dir, 'plain'), 0o644);
    expect(await exists(join(dir, 'plain'), constants.R_OK)).toBe(true);
    expect(await exists(join(dir, 'plain'), constants.X_OK)).toBe(false);
  });
});
