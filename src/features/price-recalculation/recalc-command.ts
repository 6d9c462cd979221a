import { councilReport } from './recalc-council-report.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { utf8File } from '../../shared/utf8-decoder.js';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { mapped } from '../../cli/arguments.js';
import { actingIn, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr } from '../../i18n/i18n.js';
import { formatNumber } from '../invoices/invoice-labels.js';
import { invoiceLine } from '../invoices/invoice-command.js';
import { recalcLines } from './recalc-report.js';
import { RecalcSettingsPut } from './recalc-schemas.js';
import { POLICIES } from './recalc-types.js';

const year = (v: string) => {
  if (!/^\d{4}$/.test(v)) throw new InvalidArgumentError('a year YYYY');
  return Number(v);
};

/**
 * `carepay recalc` (import costs, compute the draft, print it) and `carepay recalculation
 * approve|adopt-prices|issue|report|settings`: the same service as the API, acting as finance.
 */
export function registerRecalcCommands(program: Command): void {
  program
    .command('recalc')
    .description("annual recalculation of hourly prices from the municipal provider's costs: computes (or recomputes) the year's draft")
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--year <year>', 'the year whose costs are recalculated, e.g. 2025', year)
    .option('--costs <file>', "cost lines CSV to import first (replaces the statement's lines; see docs/price-recalculation.md)")
    .option('--hours <file>', 'entered hours CSV to import first (category;delivered_hours;staff_hours;method)')
    .option('--from <date>', 'the statement of the span starting on this date (YYYY-MM-01); default 1 January')
    .option('--json', 'print the recalculation as JSON')
    .action(
      mapped(async (o: { municipality: string; year: number; from?: string; costs?: string; hours?: string; json?: boolean }) => {
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality, 'finance');
          if (o.costs) await s.priceRecalculation.importLinesCsv(who, o.year, utf8File(await readFile(o.costs)), o.from);
          if (o.hours) await s.priceRecalculation.importHoursCsv(who, o.year, utf8File(await readFile(o.hours)), o.from);
          const { outcome, recalculation } = await s.priceRecalculation.run(who, o.year, o.from);
          if (o.json) console.log(JSON.stringify({ outcome, recalculation }, null, 2));
          else {
            const lang = cliLanguage();
            console.log(
              [`${tr(lang, 'cli', `outcome_${outcome}`)}:`, ...recalcLines(recalculation, recalculation.currency, lang)].join('\n'),
            );
          }
        });
      }),
    );

  const r = program.command('recalculation').description('approve, adopt, invoice and report an annual price recalculation');
  const withYear = (c: Command) =>
    c
      .requiredOption('--municipality <code>', 'municipality code')
      .requiredOption('--year <year>', 'the recalculated year', year)
      .option('--from <date>', 'the recalculation of the span starting on this date; default 1 January');
  withYear(r.command('approve').description("finance approves the year's draft: figures frozen, next year's prices proposed"))
    .option('--json', 'print JSON')
    .action(
      mapped(async (o: { municipality: string; year: number; from?: string; json?: boolean }) => {
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality, 'finance');
          const rc = await s.priceRecalculation.approve(who, (await s.priceRecalculation.byYear(who, o.year, o.from)).id);
          console.log(
            o.json
              ? JSON.stringify(rc, null, 2)
              : tr(cliLanguage(), 'cli', 'recalcApproved', { id: rc.id, year: rc.year, priceList: rc.proposedPriceListId ?? '' }),
          );
        });
      }),
    );
  withYear(r.command('adopt-prices').description('adopt the proposed price list of an approved recalculation')).action(
    mapped(async (o: { municipality: string; year: number; from?: string }) => {
      await withServices(async (s) => {
        const who = await actingIn(s, o.municipality, 'finance');
        const rc = await s.priceRecalculation.adoptPrices(who, (await s.priceRecalculation.byYear(who, o.year, o.from)).id);
        console.log(tr(cliLanguage(), 'cli', 'recalcAdopted', { priceList: rc.proposedPriceListId ?? '', id: rc.id, year: rc.year }));
      });
    }),
  );
  withYear(r.command('issue').description("issue each private provider's supplementary invoice or credit note (idempotent)"))
    .option('--out <dir>', 'also write each document as <number>.pdf and <number>.xml here')
    .option('--json', 'print JSON')
    .action(
      mapped(async (o: { municipality: string; year: number; from?: string; out?: string; json?: boolean }) => {
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality, 'finance');
          const { items } = await s.priceRecalculation.issueDocuments(who, (await s.priceRecalculation.byYear(who, o.year, o.from)).id);
          if (o.out) await mkdir(o.out, { recursive: true });
          const lines: string[] = [];
          const lang = cliLanguage();
          const prefix = (key: 'prefixSent' | 'prefixIssued' | 'prefixExists') => tr(lang, 'cli', key).padEnd(7);
          for (const i of items) {
            if (i.paymentBasis) {
              lines.push(
                `${prefix(i.created ? 'prefixSent' : 'prefixExists')} ${tr(lang, 'cli', 'recalcPaymentBasis', { reference: i.paymentBasis })} ${i.providerRef} ${formatNumber(i.totalInclVat, 2, lang)}`,
              );
              if (o.out) {
                await writeFile(path.join(o.out, `${i.paymentBasis}.pdf`), (await s.invoiceControl.basisPdf(who, i.paymentBasis)).pdf);
                await writeFile(path.join(o.out, `${i.paymentBasis}.csv`), (await s.invoiceControl.basisCsv(who, i.paymentBasis)).csv);
              }
              continue;
            }
            if (!i.number) {
              lines.push(`${i.providerRef}: ${i.note}`);
              continue;
            }
            const inv = await s.invoices.get(who, i.number);
            lines.push(`${prefix(i.created ? 'prefixIssued' : 'prefixExists')} ${invoiceLine(inv, lang)}`);
            if (o.out) {
              await writeFile(path.join(o.out, `${i.number}.pdf`), (await s.invoices.pdf(who, i.number)).pdf);
              await writeFile(path.join(o.out, `${i.number}.xml`), (await s.invoices.ubl(who, i.number)).xml);
            }
          }
          console.log(o.json ? JSON.stringify(items, null, 2) : lines.join('\n'));
        });
      }),
    );
  withYear(r.command('report').description('the report for the council: JSON on stdout, or a PDF with --pdf'))
    .option('--pdf <file>', 'write the PDF report here')
    .action(
      mapped(async (o: { municipality: string; year: number; from?: string; pdf?: string }) => {
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality, 'finance');
          const { report, pdf: render } = councilReport(
            s.db,
            who.principal.municipalityId,
            await s.priceRecalculation.byYear(who, o.year, o.from),
            await s.priceRecalculation.municipalityOf(who),
          );
          if (o.pdf) {
            const pdf = await render();
            await writeFile(o.pdf, pdf);
            console.log(tr(cliLanguage(), 'cli', 'recalcReportFile', { file: o.pdf, year: o.year, bytes: pdf.length }));
          } else console.log(JSON.stringify(report, null, 2));
        });
      }),
    );
  r.command('settings')
    .description('show or change the settlement policy, overhead rate and price rounding')
    .requiredOption('--municipality <code>', 'municipality code')
    .addOption(new Option('--policy <policy>', 'settlement of differences').choices([...POLICIES]))
    .option('--overhead <percent>', "fixed overhead rate in percent, or 'none'")
    .addOption(new Option('--decimals <n>', 'decimals of the hourly price').choices(['0', '1', '2', '3', '4']))
    .addOption(new Option('--rounding <mode>', 'half_up or up').choices(['half_up', 'up']))
    .option('--vat <percent>', 'VAT percent of the published price')
    .action(
      mapped(
        async (o: {
          municipality: string;
          policy?: (typeof POLICIES)[number];
          overhead?: string;
          decimals?: string;
          rounding?: 'half_up' | 'up';
          vat?: string;
        }) => {
          await withServices(async (s) => {
            const who = await actingIn(s, o.municipality, 'finance');
            let settings = await s.priceRecalculation.getSettings(who);
            if (o.policy || o.overhead || o.decimals || o.rounding || o.vat) {
              const input = RecalcSettingsPut.parse({
                policy: o.policy ?? settings.policy,
                overheadPercent: o.overhead === undefined ? settings.overheadPercent : o.overhead === 'none' ? null : o.overhead,
                priceDecimals: o.decimals === undefined ? settings.priceDecimals : Number(o.decimals),
                rounding: o.rounding ?? settings.rounding,
                publishedVatPercent: o.vat ?? settings.publishedVatPercent,
              });
              settings = await s.priceRecalculation.putSettings(who, input);
            }
            console.log(JSON.stringify(settings, null, 2));
          });
        },
      ),
    );
}
