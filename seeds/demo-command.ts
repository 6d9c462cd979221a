import path from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { cliActor, withServices } from '../src/cli/context.js';
import type { Acting } from '../src/features/auth/auth-types.js';
import type { Services } from '../src/services.js';
import { DEMO_CODE, type DemoCountry } from './demo-data.js';
import { DEMO_SE_CODE } from './demo-se.js';
import type { DemoSummary, ImportRunner } from './demo.js';

export const importRunner =
  (services: Services) =>
  (who: Acting): ImportRunner =>
  async (kind, csv, source, filename) => {
    const r = await services.imports.importFile(who, Readable.from([Buffer.from(csv, 'utf8')]), { kind, format: 'csv', source, filename });
    return { accepted: r.accepted, unchanged: r.unchanged, updated: r.updated, rejected: r.rejected };
  };

function printSummary(s: DemoSummary, url: string | null): void {
  const imp = (name: string, r: DemoSummary['visitsImport']) =>
    `  ${name.padEnd(8)} accepted ${r.accepted}, unchanged ${r.unchanged}, updated ${r.updated}, rejected ${r.rejected.length}`;
  const lines = [
    `Demo municipality "${s.municipality}" ${s.created ? 'loaded' : 'already present: nothing loaded twice, files re-imported'} (demo month ${s.month})`,
    `  providers ${s.providers} (1 municipal, 3 private), services ${s.services}, price rates ${s.priceRates} (${s.priceBands.join(' / ')})`,
    `  citizens ${s.citizens}, provider choices ${s.choices}, absences ${s.absences}`,
    s.takeover
      ? `  takeover: ${s.takeover.to} took over ${s.takeover.moved} choices of ${s.takeover.from} from ${s.takeover.effectiveFrom}`
      : '',
    'Imports (idempotent: a second run reports them unchanged)',
    imp('grants', s.grantsImport),
    imp('visits', s.visitsImport),
    ...s.visitsImport.rejected.slice(0, 5).map((r) => `    row ${r.row} ${r.field}: ${r.message}`),
    'Weekly budget check (granted vs affordable hours)',
    ...s.budgetCheck.map((l) => `  ${l}`),
    ...s.settlements,
    ...s.regimes,
    ...s.invoices,
    ...s.recalculation,
    ...s.draftMonth,
    'API tokens created for this run (shown once):',
    ...s.tokens.map((t) => `  ${t.role.padEnd(17)}${t.provider ? ` (${t.provider})` : ''} ${t.token}`),
    `Web users (sign in at /app/login, municipality ${s.municipality}; a password is shown only when the user is created):`,
    ...s.webUsers.map(
      (u) =>
        `  ${u.role.padEnd(17)}${u.provider ? ` (${u.provider})` : ''} ${u.username} ${u.password ?? '(exists: password shown when it was created)'}`,
    ),
    url ? `Try: npm start, then  curl -H "Authorization: Bearer ${s.tokens[0]!.token}" ${url}/api/visits?limit=5` : '',
  ];
  console.log(lines.filter(Boolean).join('\n'));
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('load the demo municipality: providers, catalogue, prices, citizens, grants and a month of visits')
    .option(
      '--country <DK|SE>',
      'DK: the Danish demo (Demo Kommune, default); SE: the Swedish demo (Demokommun, no helhedspleje levels or price recalculation)',
      (v: string): DemoCountry => {
        const c = v.toUpperCase();
        if (c !== 'DK' && c !== 'SE') throw new InvalidArgumentError('DK or SE');
        return c;
      },
      'DK' as DemoCountry,
    )
    .option('--municipality <code>', `municipality code (default: ${DEMO_CODE}, or ${DEMO_SE_CODE} with --country SE)`)
    .option(
      '--citizens <n>',
      'number of citizens with hourly services (under 67; in DK the 9 citizens on levels come in addition)',
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 10 || n > 100_000) throw new InvalidArgumentError('a whole number from 10 to 100000');
        return n;
      },
      500,
    )
    .option(
      '--out <dir>',
      'folder for the demo invoices (PDF and UBL) (default: out/demo-invoices, or out/demo-se-invoices with --country SE)',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { country: DemoCountry; municipality?: string; citizens: number; out?: string; json?: boolean }) => {
      await withServices(async (services) => {
        const say = (m: string) => {
          if (!opts.json) process.stderr.write(`… ${m}\n`);
        };
        const { loadDemo } = await import('./demo.js'); // the demo generator only when the demo is loaded
        const summary = await loadDemo(
          services,
          {
            code: opts.municipality ?? (opts.country === 'SE' ? DEMO_SE_CODE : DEMO_CODE),
            country: opts.country,
            citizens: opts.citizens,
            actor: cliActor(),
            invoiceDir: path.resolve(opts.out ?? (opts.country === 'SE' ? 'out/demo-se-invoices' : 'out/demo-invoices')),
          },
          importRunner(services),
          say,
        );
        if (opts.json) console.log(JSON.stringify(summary, null, 2));
        else printSummary(summary, `http://${services.config.HOST}:${services.config.PORT}`);
      });
    });
}
