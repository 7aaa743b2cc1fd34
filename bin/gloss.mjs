#!/usr/bin/env node
// The `gloss` command. Runs the TypeScript CLI (src/cli/main.ts) through tsx, in this process, so
// that `npx gloss` works right after `npm install`, without a build step.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
