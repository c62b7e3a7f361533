import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runbookText } from '../../harness/cli/runbook.ts';

const DOC = fileURLToPath(new URL('../../docs/blog-procedure.md', import.meta.url));
const REGENERATE = 'npx darlings runbook scenarios/blog-xps13.yaml --guest nixos > docs/blog-procedure.md';

describe('docs/blog-procedure.md', () => {
  it('is the runbook of blog-xps13 on nixos as the plan gives it today', async () => {
    // The CLI reads the scenario relative to the repository root, as the regenerate command does.
    const now = await runbookText('scenarios/blog-xps13.yaml', { guest: 'nixos', format: 'md' });
    const doc = await readFile(DOC, 'utf8');
    expect(doc === now, `docs/blog-procedure.md is out of date with the plan; regenerate it with:\n  ${REGENERATE}`).toBe(true);
  });
});
