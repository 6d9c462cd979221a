import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { isoDate, month, positiveId } from '../../cli/arguments.js';
import { actingIn, providerIdsOf, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr } from '../../i18n/i18n.js';
import { MunicipalityUpdate } from '../municipalities/municipalities-schemas.js';
import type { Services } from '../../services.js';
import { notFound } from '../../shared/errors.js';
import { formatNumber } from './invoice-labels.js';
import type { Language } from './invoice-types.js';
import { InvoiceSettingsUpdate, type Invoice } from './invoices-schemas.js';

const id = positiveId('a settlement id');
const invoiceNumber = (v: string) => {
  if (!/^I?\d{4}-\d{6}$/.test(v))
    throw new InvalidArgumentError('an invoice number YYYY-NNNNNN, e.g. 2026-000123 (an internal statement I2026-000123)');
  return v;
};
const mode = (v: string) => {
  if (v !== 'self_billing' && v !== 'payment_basis' && v !== 'default')
    throw new InvalidArgumentError('self_billing, payment_basis or default');
  return v;
};
const yesNo = (v: string) => {
  if (v !== 'yes' && v !== 'no') throw new InvalidArgumentError('yes or no');
  return v === 'yes';
};

/** One invoice on a line, in the language given (the CLI's, or the demo municipality's). */
export const invoiceLine = (i: Invoice, lang: Language = 'en') =>
  `${i.number} ${tr(lang, 'cli', `invoiceKind_${i.kind}`).padEnd(21)} ${i.providerRef.padEnd(14)} ${i.period} ${formatNumber(i.totalInclVat, 2, lang).padStart(14)} ${i.currency} ` +
  tr(lang, 'cli', 'invoiceDates', { issued: i.issueDate, due: i.dueDate }) +
  (i.correctsNumber ? tr(lang, 'cli', 'invoiceCorrects', { number: i.correctsNumber }) : '');

/** Settlement ids are unique across municipalities, so --municipality may be left out where one is given. */
async function actingForSettlement(s: Services, settlementId: number, municipality?: string) {
  const code = municipality ?? (await s.invoices.municipalityOfSettlement(settlementId));
  if (!code) throw notFound('settlement', settlementId);
  return actingIn(s, code, 'finance');
}

/** `carepay invoice issue|pdf|ubl|export-csv|list`: the same service as the API. */
export function registerInvoiceCommands(program: Command): void {
  const invoice = program.command('invoice').description('invoices and credit notes issued from approved settlements');
  invoice
    .command('issue')
    .description('issue the invoice (or credit note) of an approved settlement; issuing again prints the existing one')
    .requiredOption('--settlement <id>', 'settlement id', id)
    .option('--municipality <code>', "municipality code (default: the settlement's)")
    .option('--json', 'print JSON')
    .action(async (o: { settlement: number; municipality?: string; json?: boolean }) => {
      await withServices(async (s) => {
        const who = await actingForSettlement(s, o.settlement, o.municipality);
        const { invoice: i, created } = await s.invoices.issueForSettlement(who, o.settlement);
        const lang = cliLanguage();
        console.log(
          o.json
            ? JSON.stringify({ ...i, created }, null, 2)
            : tr(lang, 'cli', created ? 'invoiceIssued' : 'invoiceAlreadyIssued', { line: invoiceLine(i, lang) }),
        );
      });
    });
  for (const format of ['pdf', 'ubl'] as const) {
    invoice
      .command(format)
      .argument('<number>', 'invoice number, e.g. 2026-000123', invoiceNumber)
      .description(format === 'pdf' ? 'write the PDF of an invoice' : 'write the UBL (Peppol BIS Billing 3.0) XML of an invoice')
      .requiredOption('--municipality <code>', 'municipality code')
      .requiredOption('--out <file>', 'file to write')
      .action(async (number: string, o: { municipality: string; out: string }) => {
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality, 'finance');
          const bytes = format === 'pdf' ? (await s.invoices.pdf(who, number)).pdf : (await s.invoices.ubl(who, number)).xml;
          await writeFile(o.out, bytes);
          console.log(
            tr(cliLanguage(), 'cli', 'invoiceFile', {
              file: o.out,
              format: format === 'pdf' ? 'PDF' : 'UBL',
              number,
              bytes: Buffer.byteLength(bytes),
            }),
          );
        });
      });
  }
  invoice
    .command('export-csv')
    .description('write a settlement and its lines as CSV for the accounting system')
    .requiredOption('--settlement <id>', 'settlement id', id)
    .requiredOption('--out <file>', 'file to write')
    .option('--municipality <code>', "municipality code (default: the settlement's)")
    .action(async (o: { settlement: number; out: string; municipality?: string }) => {
      await withServices(async (s) => {
        const who = await actingForSettlement(s, o.settlement, o.municipality);
        const csv = await s.invoices.settlementCsv(who, o.settlement);
        await writeFile(o.out, csv);
        console.log(tr(cliLanguage(), 'cli', 'invoiceCsv', { file: o.out, id: o.settlement, count: csv.split('\r\n').length - 2 }));
      });
    });
  invoice
    .command('settings')
    .description("the municipality's invoicing settings; with options, changes them")
    .requiredOption('--municipality <code>', 'municipality code')
    .option('--payment-terms <days>', 'payment terms in days', (v: string) => Number(v))
    .option('--invoicing-mode <mode>', 'self_billing or payment_basis: how providers are paid unless their own mode says otherwise', mode)
    .option('--buyer-reference <text>', "the municipality's own reference on every invoice")
    .option('--invoice-in-house <yes|no>', 'invoice the in-house provider instead of giving it an internal statement', yesNo)
    .option('--tolerance <amount>', 'the most a received invoice may differ from its payment basis, per amount')
    .action(
      async (o: {
        municipality: string;
        paymentTerms?: number;
        invoicingMode?: string;
        buyerReference?: string;
        invoiceInHouse?: boolean;
        tolerance?: string;
      }) => {
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality, 'admin');
          if (o.paymentTerms !== undefined)
            await s.invoices.updateSettings(who, InvoiceSettingsUpdate.parse({ paymentTermsDays: o.paymentTerms }));
          const patch = MunicipalityUpdate.parse({
            invoicingMode: o.invoicingMode === 'default' ? undefined : o.invoicingMode,
            buyerReference: o.buyerReference,
            invoiceInHouseProvider: o.invoiceInHouse,
            receivedInvoiceTolerance: o.tolerance,
          });
          const m = Object.values(patch).some((v) => v !== undefined)
            ? await s.municipalities.update(who, patch)
            : await s.municipalities.get(who.principal.municipalityId);
          const { paymentTermsDays } = await s.invoices.getSettings(who);
          const lang = cliLanguage();
          console.log(
            tr(lang, 'cli', 'invoiceSettings', {
              count: paymentTermsDays,
              mode: m.invoicingMode,
              inHouse: tr(lang, 'cli', m.invoiceInHouseProvider ? 'inHouseInvoiced' : 'inHouseStatement'),
              reference: m.buyerReference ?? tr(lang, 'cli', 'notSet'),
              tolerance: formatNumber(m.receivedInvoiceTolerance, 2, lang),
            }),
          );
        });
      },
    );
  invoice
    .command('provider-mode')
    .description("a provider's invoicing mode and self-billing agreement")
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--provider <ref>', 'provider reference')
    .option('--mode <mode>', "self_billing, payment_basis, or default (the municipality's)", mode)
    .option('--agreement-signed <date>', 'the date the provider signed its self-billing agreement (YYYY-MM-DD), or none', (v: string) =>
      v === 'none' ? v : isoDate(v),
    )
    .action(async (o: { municipality: string; provider: string; mode?: string; agreementSigned?: string }) => {
      await withServices(async (s) => {
        const who = await actingIn(s, o.municipality, 'admin');
        const [id] = await providerIdsOf(s, who, [o.provider]);
        const patch = {
          ...(o.mode ? { invoicingMode: o.mode === 'default' ? null : (o.mode as 'self_billing' | 'payment_basis') } : {}),
          ...(o.agreementSigned !== undefined ? { selfBillingAgreedOn: o.agreementSigned === 'none' ? null : o.agreementSigned } : {}),
        };
        const p = Object.keys(patch).length ? await s.providers.update(who, id!, patch) : await s.providers.get(who, id!);
        const lang = cliLanguage();
        console.log(
          tr(lang, 'cli', 'providerMode', {
            provider: p.ref,
            mode: p.invoicingMode ?? tr(lang, 'cli', 'municipalitysMode'),
            agreement: p.selfBillingAgreedOn ?? tr(lang, 'cli', 'agreementNotRecorded'),
          }),
        );
      });
    });
  invoice
    .command('list')
    .description('list the invoices of a municipality')
    .requiredOption('--municipality <code>', 'municipality code')
    .option('--period <month>', 'period YYYY-MM', month)
    .option('--json', 'print JSON')
    .action(async (o: { municipality: string; period?: string; json?: boolean }) => {
      await withServices(async (s) => {
        const who = await actingIn(s, o.municipality, 'finance');
        const page = await s.invoices.list(who, o.period ? { period: o.period } : {}, { limit: 1000, offset: 0 });
        const lang = cliLanguage();
        console.log(
          o.json ? JSON.stringify(page, null, 2) : page.items.map((i) => invoiceLine(i, lang)).join('\n') || tr(lang, 'cli', 'noInvoices'),
        );
      });
    });
}
