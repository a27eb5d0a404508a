#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm ci` through `prepare`).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'client', 'cli', 'index.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('harness: not built yet: run `npm run build`\n');
  process.exit(1);
}
require(entry).main(process.argv);
