/**
 * vitest globalSetup: the tests that start the CLI run the compiled one (bin/darlings.js, what
 * users get, ~5x quicker to start than through tsx), so dist/ is rebuilt first when any file
 * under harness/ is newer than it. In CI `npm ci` has built it already and this only compares.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function newestMs(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath ?? e.path, e.name)).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const built = (() => {
    try {
      return statSync(join(ROOT, 'dist', 'cli.js')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  const sources = Math.max(newestMs(join(ROOT, 'harness')), statSync(join(ROOT, 'tsconfig.build.json')).mtimeMs);
  if (built > sources) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.js')], { stdio: 'inherit' });
}
