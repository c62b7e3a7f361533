/**
 * How evalScenario reports failures, with a stand-in nix-instantiate on PATH (no nixpkgs needed).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckFailed, HostError } from '../../harness/errors.ts';
import { evalScenario, NixEvalFailed } from '../../harness/guests/nixos/index.ts';
import { blogXps13Plan } from './plan.ts';

const work = mkdtempSync(join(tmpdir(), 'darlings-eval-errors-'));
let savedPath: string | undefined;

beforeAll(() => {
  mkdirSync(join(work, 'bin'));
  // The system fails at once with an assertion; the ISO would take 30 s.
  writeFileSync(
    join(work, 'bin', 'nix-instantiate'),
    `#!/bin/sh
case "$*" in
  --version) echo "nix-instantiate (Nix) 2.8.0" ;;
  *isoImage*) exec sleep 30 ;;
  *) echo "warning: the group 'nixbld' specified in 'build-users-group' does not exist" >&2
     printf 'error:\\n       Failed assertions:\\n       - systemd stage 1 does not support it\\n' >&2; exit 1 ;;
esac
`,
  );
  chmodSync(join(work, 'bin', 'nix-instantiate'), 0o755);
  savedPath = process.env.PATH;
});

afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(work, { recursive: true, force: true });
});

describe('evalScenario failures', () => {
  it("throws CheckFailed with nix's error text and stops the other evaluation", async () => {
    process.env.PATH = `${join(work, 'bin')}:${savedPath}`;
    const startedAt = Date.now();
    const error = await evalScenario(blogXps13Plan(), { nixpkgs: '/nowhere' }).catch((e: unknown) => e);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(CheckFailed);
    expect(error).toBeInstanceOf(NixEvalFailed);
    expect((error as NixEvalFailed).attr).toBe('config.system.build.toplevel');
    expect((error as Error).message).toContain('- systemd stage 1 does not support it');
    expect((error as Error).message).not.toContain('nixbld');
  });

  it('throws HostError with an install hint when nix-instantiate is missing', async () => {
    process.env.PATH = join(work, 'empty');
    const error = await evalScenario(blogXps13Plan(), { nixpkgs: '/nowhere' }).catch((e: unknown) => e);
    process.env.PATH = savedPath;
    expect(error).toBeInstanceOf(HostError);
    expect((error as Error).message).toContain('apt-get install nix-bin');
  });
});
