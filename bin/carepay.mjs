#!/usr/bin/env node
// Entry point of `npx carepay`. It runs the compiled JavaScript in dist/ (built by `npm run build`,
// which `npm install` and `npm ci` run as `prepare`) when dist/ was built from the sources as they
// are now; otherwise it compiles the TypeScript at run time through tsx, seconds slower, and says
// so on a terminal when a build exists but is out of date. See docs/performance.md ("Command-line start").
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, sourceStamp, STAMP_FILE } from './build-stamp.mjs';

const compiled = path.join(ROOT, 'dist', 'src', 'cli.js');
const built = existsSync(compiled) && existsSync(STAMP_FILE) ? readFileSync(STAMP_FILE, 'utf8').trim() : null;
let cli = compiled;
if (built === null || built !== sourceStamp()) {
  // Told to a person at a terminal only: scripts and pipes get carepay's own output unchanged.
  if (built !== null && process.stderr.isTTY)
    process.stderr.write(
      'carepay: dist/ is older than the sources, running them through tsx (slow); `npm run build` makes it fast again\n',
    );
  const { register } = await import('tsx/esm/api');
  register();
  cli = path.join(ROOT, 'src', 'cli.ts');
}
const { main } = await import(pathToFileURL(cli).href);
await main(process.argv);
