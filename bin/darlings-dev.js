#!/usr/bin/env node
// Development only (not shipped): the CLI from the TypeScript sources through tsx, so tests and
// `npm run darlings` see the code as it is now, never a stale dist/.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli.ts');
