#!/usr/bin/env node
// Development only (not shipped): the CLI from the TypeScript sources through tsx, so
// `npm run darlings` sees the code as it is now without a build. (The tests start the compiled
// bin/darlings.js; their globalSetup rebuilds dist/ when harness/ changed.)
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli.ts');
