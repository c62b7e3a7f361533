#!/usr/bin/env node
// `npm run build` (also `prepare`, so `npm ci` in a clone and `npm pack` both build): harness/ to
// dist/ with tsc, then the files the code reads beside itself at run time (shell scripts), copied
// to the same place under dist/. dist/ is emptied first so a deleted source leaves no stale module.
import { cp, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'harness');
const out = join(root, 'dist');

await rm(out, { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

for (const entry of await readdir(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith('.ts') || entry.name === 'DEPS.list') continue;
  const from = join(entry.parentPath ?? entry.path, entry.name);
  const to = join(out, relative(src, from));
  await cp(from, to, { preserveTimestamps: true });
}
