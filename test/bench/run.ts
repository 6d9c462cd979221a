import { benchBudgetCheck } from '../../src/features/budget-checks/budget-bench.js';
import { benchDatabase, peakRssMb } from './bench-db.js';

/**
 * `npm run bench`: performance figures on this machine, printed, never asserted in unit tests.
 * Each section runs on a fresh database. `npm run bench -- budget` runs one section.
 */
const sections: Record<string, () => Promise<void>> = {
  async budget() {
    const h = await benchDatabase();
    try {
      const r = await benchBudgetCheck(h.db, { grants: 100_000 });
      console.log('Weekly budget check (target: under 2 s for 100 k grants)');
      console.log(`  grants ${r.grants}, citizens ${r.citizens}, week ${r.week}, granted ${r.grantedHours} h, ${r.contributingGrants} contributing grants`);
      console.log(`  generate ${r.generateMs} ms | load ${r.loadMs} ms + evaluate ${r.evaluateMs} ms = check ${r.checkMs} ms | full run incl. storing ${r.runMs} ms`);
      console.log(`  peak RSS ${peakRssMb()} MB`);
    } finally {
      await h.close();
    }
  },
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted.length ? wanted : Object.keys(sections)) {
  const run = sections[name];
  if (!run) {
    console.error(`unknown section ${name}; known: ${Object.keys(sections).join(', ')}`);
    process.exit(2);
  }
  await run();
}
