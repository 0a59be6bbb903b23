#!/usr/bin/env node
// The installed command: runs the compiled CLI (`npm run build` writes dist/).
import { main } from '../dist/cli/main.js';

main(process.argv).catch((error) => {
  process.stderr.write(`clickflow: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
