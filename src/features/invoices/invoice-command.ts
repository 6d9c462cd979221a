import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { month, positiveId } from '../../cli/arguments.js';
import { actingIn, withServices } from '../../cli/context.js';
import type { Services } from '../../services.js';
import { notFound } from '../../shared/errors.js';
import type { Invoice } from './invoices-schemas.js';

const id = positiveId('a settlement id');
const invoiceNumber = (v: string) => {
  if (!/^\d{4}-\d{6}$/.test(v)) throw new InvalidArgumentError('an invoice number YYYY-NNNNNN, e.g. 2026-000123');
  return v;
};

export const invoiceLine = (i: Invoice) =>
  `${i.number} ${i.kind.padEnd(21)} ${i.providerRef.padEnd(14)} ${i.period} ${i.totalInclVat.padStart(14)} ${i.currency} issued ${i.issueDate}, due ${i.dueDate}` +
  (i.correctsNumber ? `, corrects ${i.correctsNumber}` : '');

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
    .option('--municipality <code>', 'municipality code (default: the settlement\'s)')
    .option('--json', 'print JSON')
    .action(async (o: { settlement: number; municipality?: string; json?: boolean }) => {
      await withServices(async (s) => {
        const who = await actingForSettlement(s, o.settlement, o.municipality);
        const { invoice: i, created } = await s.invoices.issueForSettlement(who, o.settlement);
        console.log(o.json ? JSON.stringify({ ...i, created }, null, 2) : `${created ? 'issued' : 'already issued'}: ${invoiceLine(i)}`);
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
          console.log(`${o.out}: ${format === 'pdf' ? 'PDF' : 'UBL'} of ${number} (${Buffer.byteLength(bytes)} bytes)`);
        });
      });
  }
  invoice
    .command('export-csv')
    .description('write a settlement and its lines as CSV for the accounting system')
    .requiredOption('--settlement <id>', 'settlement id', id)
    .requiredOption('--out <file>', 'file to write')
    .option('--municipality <code>', 'municipality code (default: the settlement\'s)')
    .action(async (o: { settlement: number; out: string; municipality?: string }) => {
      await withServices(async (s) => {
        const who = await actingForSettlement(s, o.settlement, o.municipality);
        const csv = await s.invoices.settlementCsv(who, o.settlement);
        await writeFile(o.out, csv);
        console.log(`${o.out}: settlement ${o.settlement}, ${csv.split('\r\n').length - 2} line(s)`);
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
        console.log(o.json ? JSON.stringify(page, null, 2) : page.items.map(invoiceLine).join('\n') || 'no invoices');
      });
    });
}
