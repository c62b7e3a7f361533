#!/usr/bin/env node
// The installed CLI: the compiled JavaScript in dist/ (built by `npm run build`, which `npm ci`
// and `npm pack` run as `prepare`). No TypeScript at run time, so it starts at once.
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/dist/cli.js')) {
    console.error('darlings: dist/ is not built; run `npm run build` (or `npm ci`, which builds it)');
    process.exit(3);
  }
  throw error;
}
