import { benchBudgetCheck } from '../../src/features/budget-checks/budget-bench.js';
import { benchInvoicePdfs } from '../../src/features/invoices/invoice-bench.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchApi } from './api-bench.js';
import { benchDatabase, peakRssMb } from './bench-db.js';

/**
 * The settlement phases run as child processes of the compiled build (`npm run build`), as a
 * production deployment runs them: under tsx the TypeScript loader alone adds about 60 MB of RSS.
 * The settle phase caps the old generation (worker threads, when SETTLEMENT_WORKERS asks for them,
 * inherit the caps): the live heap stays far below it, and without a cap V8 lets garbage pile up
 * to several hundred MB. The young generation is kept large: most of what a settlement allocates
 * dies young, and smaller semi-spaces cost more in garbage collection than they save.
 */
const SETTLE_HEAP = (process.env.BENCH_SETTLE_HEAP ?? '--max-old-space-size=192 --max-semi-space-size=64').split(' ').filter(Boolean);
const compiled = fileURLToPath(new URL('../../dist/test/bench/settlement-bench.js', import.meta.url));
const child = (phase: string, url: string, ...args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, [...(phase === 'settle' ? SETTLE_HEAP : ['--max-semi-space-size=64']), compiled, phase, url, ...args], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .pop()!,
  );
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);

/**
 * `npm run bench`: performance figures on this machine, printed, never asserted in unit tests.
 * Each section runs on a fresh database. `npm run bench -- budget` runs one section.
 */
const sections: Record<string, () => Promise<void>> = {
  async settlement() {
    console.log('Import and monthly settlement (targets: import >= 100 k rows/s; 1 M visits settled < 10 s, peak RSS < 300 MB)');
    console.log(`  building (npm run build) …`);
    execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
    console.log(`  settle phase: node ${SETTLE_HEAP.join(' ')}, SETTLEMENT_WORKERS=${process.env.SETTLEMENT_WORKERS ?? 'default'}`);
    for (const visits of SIZES) {
      const h = await benchDatabase();
      try {
        const p = child('prepare', h.url, String(visits));
        const s = child('settle', h.url);
        const a = child('aggregate', h.url);
        const perSec = (n: number, ms: number) => Math.round((n * 1000) / Math.max(ms, 1)).toLocaleString('en');
        console.log(
          `  ${p.rows.toLocaleString('en')} visits (${p.citizens} citizens, ${p.providers} providers): ` +
            `import ${p.importMs} ms (${perSec(p.rows, p.importMs)} rows/s, peak RSS ${p.peakRssMb} MB), again unchanged ${p.reimportMs} ms (${perSec(p.rows, p.reimportMs)} rows/s) | ` +
            `settle ${s.settlements} providers ${s.settleMs} ms in ${s.lanes} lane(s) (${perSec(p.rows, s.settleMs)} visits/s), again unchanged ${s.rerunMs} ms, peak RSS ${s.peakRssMb} MB | ` +
            `bare SQL aggregate ${a.ms} ms, ratio ${(s.settleMs / Math.max(a.ms, 1)).toFixed(1)}×`,
        );
      } finally {
        await h.close();
      }
    }
  },
  async budget() {
    const h = await benchDatabase();
    try {
      const r = await benchBudgetCheck(h.db, { grants: 100_000 });
      console.log('Weekly budget check (target: under 2 s for 100 k grants)');
      console.log(
        `  grants ${r.grants}, citizens ${r.citizens}, week ${r.week}, granted ${r.grantedHours} h, ${r.contributingGrants} contributing grants, ${r.levelGrants} level grants, non-hourly ${r.nonHourlyCost}`,
      );
      console.log(
        `  generate ${r.generateMs} ms | load ${r.loadMs} ms + evaluate ${r.evaluateMs} ms = check ${r.checkMs} ms | full run incl. storing ${r.runMs} ms`,
      );
      console.log(`  peak RSS ${peakRssMb()} MB`);
    } finally {
      await h.close();
    }
  },
};

sections.invoices = async () => {
  const r = await benchInvoicePdfs(1000);
  console.log('Invoice PDFs (target: 1,000 in under 10 s)');
  console.log(
    `  ${r.n} PDFs of ${r.lines} lines: ${r.ms} ms (${r.msPerPdf} ms each, CPU ${r.cpuMs} ms), ${Math.round(r.bytes / 1024)} kB each, peak RSS ${r.peakRssMb} MB`,
  );
};

sections.api = async () => {
  const seconds = Number(process.env.BENCH_API_SECONDS ?? 10);
  const connections = Number(process.env.BENCH_API_CONNECTIONS ?? 20);
  const r = await benchApi({ seconds, connections });
  console.log(
    `Paged lists under load (${connections} connections, ${seconds} s each, loopback; ${r.visits.toLocaleString('en')} current visits, a settlement of ${r.lines.toLocaleString('en')} lines)`,
  );
  for (const f of r.figures) {
    console.log(
      `  ${f.name.padEnd(40)} ${String(f.requestsPerSecond).padStart(6)} requests/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms${f.non2xx ? `, ${f.non2xx} non-2xx answers` : ''}`,
    );
  }
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
