import path from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { cliActor, withServices } from '../src/cli/context.js';
import { chosenCliLanguage, cliLanguage, noteMunicipalityLanguage } from '../src/cli/language.js';
import type { Language } from '../src/features/invoices/invoice-types.js';
import { tr, type KeyOf, type Params } from '../src/i18n/i18n.js';
import { bandLabel } from '../src/features/invoices/invoice-labels.js';
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

/** The demo's summary, printable, in `lang` (the lines of each step come in the language they were made in). */
export function summaryLines(s: DemoSummary, url: string | null, lang: Language): string[] {
  const w = (key: KeyOf<'cli'>, params?: Params) => tr(lang, 'cli', key, params);
  const imp = (key: 'demoImportGrants' | 'demoImportVisits', r: DemoSummary['visitsImport']) =>
    `  ${w(key).padEnd(11)} ${w('demoImportLine', { accepted: r.accepted, unchanged: r.unchanged, updated: r.updated, rejected: r.rejected.length })}`;
  const lines = [
    w(s.created ? 'demoLoaded' : 'demoPresent', { name: s.municipality, month: s.month }),
    `  ${w('demoMaster', { providers: s.providers, services: s.services, rates: s.priceRates, bands: s.priceBands.map((b) => bandLabel(b, lang).toLowerCase()).join(' / ') })}`,
    `  ${w('demoCitizens', { citizens: s.citizens, choices: s.choices, absences: s.absences })}`,
    s.takeover
      ? `  ${w('demoTakeover', { to: s.takeover.to, moved: s.takeover.moved, from: s.takeover.from, date: s.takeover.effectiveFrom })}`
      : '',
    w('demoImports'),
    imp('demoImportGrants', s.grantsImport),
    imp('demoImportVisits', s.visitsImport),
    ...s.visitsImport.rejected.slice(0, 5).map((r) => `    ${w('demoRejectedRow', { row: r.row, field: r.field, message: r.message })}`),
    w('demoBudgetHead'),
    ...s.budgetCheck.map((l) => `  ${l}`),
    ...s.settlements,
    ...s.regimes,
    ...s.invoices,
    ...s.recalculation,
    ...s.draftMonth,
    w('demoTokens'),
    ...s.tokens.map((t) => `  ${t.role.padEnd(17)}${t.provider ? ` (${t.provider})` : ''} ${t.token}`),
    w('demoWebUsers', { municipality: s.municipality }),
    ...s.webUsers.map(
      (u) => `  ${u.role.padEnd(17)}${u.provider ? ` (${u.provider})` : ''} ${u.username} ${u.password ?? w('demoPasswordShown')}`,
    ),
    url ? w('demoTry', { token: s.tokens[0]!.token, url }) : '',
  ];
  return lines.filter(Boolean);
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
        const code = opts.municipality ?? (opts.country === 'SE' ? DEMO_SE_CODE : DEMO_CODE);
        const summary = await loadDemo(
          services,
          {
            code,
            country: opts.country,
            citizens: opts.citizens,
            actor: cliActor(),
            invoiceDir: path.resolve(opts.out ?? (opts.country === 'SE' ? 'out/demo-se-invoices' : 'out/demo-invoices')),
            // --lang (or CAREPAY_LANG) for every printed line; else each step speaks the municipality's language.
            language: chosenCliLanguage(),
          },
          importRunner(services),
          say,
        );
        noteMunicipalityLanguage((await services.municipalities.getByCode(code)).language);
        if (opts.json) console.log(JSON.stringify(summary, null, 2));
        else console.log(summaryLines(summary, `http://${services.config.HOST}:${services.config.PORT}`, cliLanguage()).join('\n'));
      });
    });
}
