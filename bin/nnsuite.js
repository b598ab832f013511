#!/usr/bin/env node
// The `nnsuite` CLI: the TypeScript sources run through tsx, so no build step sits between a checkout and the CLI.
import { register } from 'tsx/esm/api';
register();
await import('../cli/main.ts');
