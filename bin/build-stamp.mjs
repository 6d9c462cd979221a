// The fingerprint of the sources a build compiles: every file under src, migrations, seeds and
// jobs (tests left out) by path, size and modification time. `npm run build` writes it into
// dist/ after compiling; bin/carepay.mjs runs dist/ only while the sources still have it, so an
// edit, a checkout or a removed file since the build never runs old code. Stat-ing the few
// hundred files costs milliseconds, not the seconds a TypeScript compile at start costs.
import { createHash } from 'node:crypto';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const STAMP_FILE = path.join(ROOT, 'dist', '.build-stamp');
const DIRS = ['src', 'migrations', 'seeds', 'jobs'];

export function sourceStamp(root = ROOT) {
  const hash = createHash('sha256');
  for (const dir of DIRS) {
    const files = readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.endsWith('.test.ts'))
      .map((e) => path.join(e.parentPath ?? e.path, e.name))
      .sort();
    for (const file of files) {
      const s = statSync(file);
      hash.update(`${path.relative(root, file)}\0${s.size}\0${s.mtimeMs}\n`);
    }
  }
  return hash.digest('hex');
}

// `--clean` before compiling: a file removed from the sources (a migration above all) must not
// live on in dist/. `--write` after compiling.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--clean') rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
  if (process.argv[2] === '--write') writeFileSync(STAMP_FILE, `${sourceStamp()}\n`);
}
