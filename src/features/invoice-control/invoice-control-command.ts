import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { month, positiveId } from '../../cli/arguments.js';
import { actingIn, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr } from '../../i18n/i18n.js';
import type { Language } from '../invoices/invoice-types.js';
import { BasisReference, type ReceivedDocument } from './invoice-control-schemas.js';
import { basisLine, receivedLines, verdictWord } from './invoice-control-lines.js';
import { processInbox, readFileBody } from './invoice-inbox.js';

const reference = (v: string) => {
  const r = BasisReference.safeParse(v);
  if (!r.success)
    throw new InvalidArgumentError('a payment basis reference, e.g. AG-2026-000017 (a settlement) or AG-2025-R000004 (a price adjustment)');
  return r.data;
};
const monthOrYear = (v: string) => (/^\d{4}$/.test(v) ? v : month(v));
const language = new Option('--language <language>', 'words for reasons and differences (default: the CLI language, see --lang)').choices([
  'da',
  'sv',
  'en',
]);
/** `--language` if given, else the language the command line speaks. */
const wordsIn = (l: Language | undefined): Language => l ?? cliLanguage();

/**
 * `carepay invoice receive FILE… | inbox`, `carepay payment-basis issue|list|pdf|csv` and
 * `carepay received list|show|response|decide`: the same service as the API.
 */
export function registerInvoiceControlCommands(program: Command): void {
  const invoice = program.commands.find((c) => c.name() === 'invoice') ?? program.command('invoice');
  invoice
    .command('receive')
    .description("receive providers' e-invoices (Peppol BIS 3 UBL files) and check them against their payment bases")
    .argument('<files...>', 'UBL invoice or credit note files')
    .requiredOption('--municipality <code>', 'municipality code')
    .addOption(language)
    .option('--json', 'print JSON')
    .action(async (files: string[], o: { municipality: string; language?: Language; json?: boolean }) => {
      await withServices(async (s) => {
        const who = await actingIn(s, o.municipality, 'finance');
        const all: ReceivedDocument[] = [];
        for (const f of files) {
          const d = await s.invoiceControl.receive(who, await readFileBody(f, s.invoiceControl.maxBytes), {
            source: 'cli',
            filename: path.basename(f),
          });
          all.push(d);
          if (!o.json) console.log(receivedLines(d, wordsIn(o.language)).join('\n'));
        }
        if (o.json) console.log(JSON.stringify(all, null, 2));
      });
    });
  invoice
    .command('inbox')
    .description(
      'receive every document waiting in the inbox folder of a municipality (INVOICE_INBOX_DIR/<code>/), as the scheduled job does',
    )
    .requiredOption('--municipality <code>', 'municipality code')
    .option('--dir <folder>', 'the inbox folder (default: INVOICE_INBOX_DIR/<code>)')
    .action(async (o: { municipality: string; dir?: string }) => {
      await withServices(async (s) => {
        const who = await actingIn(s, o.municipality, 'finance');
        const root = o.dir ?? (s.config.INVOICE_INBOX_DIR ? path.join(s.config.INVOICE_INBOX_DIR, o.municipality) : null);
        if (!root) throw new InvalidArgumentError('set INVOICE_INBOX_DIR or give --dir');
        const results = await processInbox(s.invoiceControl, who, root, `cli-${process.pid}`);
        const l = cliLanguage();
        console.log(
          results
            .map(
              (r) => `${r.file}: ${verdictWord(r.verdict, l)}${r.id ? ` (#${r.id})` : ''} → ${r.movedTo}/${r.error ? ` (${r.error})` : ''}`,
            )
            .join('\n') || tr(l, 'cli', 'inboxEmpty'),
        );
      });
    });

  const basis = program.command('payment-basis').description('payment bases sent to providers that invoice from their own system');
  basis
    .command('issue')
    .description(
      'send the payment basis of an approved settlement, of every one due (--due), or of an approved retro price adjustment (--adjustment)',
    )
    .requiredOption('--municipality <code>', 'municipality code')
    .option('--settlement <id>', 'settlement id', positiveId('a settlement id'))
    .option(
      '--adjustment <id>',
      'price adjustment id (price-recalculation documents sends every one of a year)',
      positiveId('a price adjustment id'),
    )
    .option('--due', 'every approved settlement of a payment-basis provider that has no basis yet')
    .action(async (o: { municipality: string; settlement?: number; adjustment?: number; due?: boolean }) => {
      await withServices(async (s) => {
        const who = await actingIn(s, o.municipality, 'finance');
        if (!o.settlement && !o.adjustment && !o.due) throw new InvalidArgumentError('give --settlement ID, --adjustment ID or --due');
        const results = o.settlement
          ? [await s.invoiceControl.issueBasis(who, o.settlement)]
          : o.adjustment
            ? [await s.invoiceControl.issueAdjustmentBasis(who, o.adjustment)]
            : await s.invoiceControl.issueDue(who);
        const l = cliLanguage();
        console.log(
          results.map((r) => tr(l, 'cli', r.created ? 'basisIssued' : 'basisExists', { line: basisLine(r.basis, l) })).join('\n') ||
            tr(l, 'cli', 'basisNoneDue'),
        );
      });
    });
  basis
    .command('list')
    .requiredOption('--municipality <code>', 'municipality code')
    .option('--period <period>', 'YYYY-MM (settlements of the month) or YYYY (price adjustments of the year)', monthOrYear)
    .option('--json', 'print JSON')
    .action(async (o: { municipality: string; period?: string; json?: boolean }) => {
      await withServices(async (s) => {
        const who = await actingIn(s, o.municipality, 'finance');
        const page = await s.invoiceControl.listBases(who, { period: o.period }, { limit: 1000, offset: 0 });
        console.log(
          o.json
            ? JSON.stringify(page, null, 2)
            : page.items.map((b) => basisLine(b, cliLanguage())).join('\n') || tr(cliLanguage(), 'cli', 'basisNone'),
        );
      });
    });
  for (const format of ['pdf', 'csv'] as const) {
    basis
      .command(format)
      .argument('<reference>', 'e.g. AG-2026-000017', reference)
      .description(`write the ${format.toUpperCase()} of a payment basis`)
      .requiredOption('--municipality <code>', 'municipality code')
      .requiredOption('--out <file>', 'file to write')
      .action(async (ref: string, o: { municipality: string; out: string }) => {
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality, 'finance');
          const bytes =
            format === 'pdf' ? (await s.invoiceControl.basisPdf(who, ref)).pdf : (await s.invoiceControl.basisCsv(who, ref)).csv;
          await writeFile(o.out, bytes);
          console.log(
            tr(cliLanguage(), 'cli', 'basisFileWritten', {
              file: o.out,
              format: format.toUpperCase(),
              reference: ref,
              bytes: Buffer.byteLength(bytes),
            }),
          );
        });
      });
  }

  const received = program.command('received').description("providers' invoices received, their verdicts and Invoice Responses");
  const id = positiveId('a received document id');
  received
    .command('list')
    .requiredOption('--municipality <code>', 'municipality code')
    .addOption(new Option('--outcome <outcome>', 'only these').choices(['matched', 'disputed', 'rejected', 'accepted']))
    .addOption(language)
    .option('--json', 'print JSON')
    .action(async (o: { municipality: string; outcome?: 'matched'; language?: Language; json?: boolean }) => {
      await withServices(async (s) => {
        const who = await actingIn(s, o.municipality, 'finance');
        const page = await s.invoiceControl.listReceived(who, { outcome: o.outcome }, { limit: 1000, offset: 0 });
        console.log(
          o.json
            ? JSON.stringify(page, null, 2)
            : page.items.map((d) => receivedLines(d, wordsIn(o.language))[0]).join('\n') || tr(cliLanguage(), 'cli', 'receivedNone'),
        );
      });
    });
  received
    .command('show')
    .argument('<id>', 'received document id', id)
    .requiredOption('--municipality <code>', 'municipality code')
    .addOption(language)
    .action(async (n: number, o: { municipality: string; language?: Language }) => {
      await withServices(async (s) => {
        const d = await s.invoiceControl.getReceived(await actingIn(s, o.municipality, 'finance'), n);
        console.log(receivedLines(d, wordsIn(o.language)).join('\n'));
      });
    });
  received
    .command('response')
    .argument('<id>', 'received document id', id)
    .description('write the latest Peppol Invoice Response of a received document')
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--out <file>', 'file to write')
    .action(async (n: number, o: { municipality: string; out: string }) => {
      await withServices(async (s) => {
        const r = await s.invoiceControl.response(await actingIn(s, o.municipality, 'finance'), n);
        await writeFile(o.out, r.xml);
        console.log(tr(cliLanguage(), 'cli', 'responseWritten', { file: o.out, sequence: r.sequence, code: r.code, id: n }));
      });
    });
  received
    .command('decide')
    .argument('<id>', 'received document id', id)
    .description('accept a disputed document for payment, or reject a document; a new Invoice Response is issued')
    .requiredOption('--municipality <code>', 'municipality code')
    .addOption(new Option('--decision <decision>', 'accepted or rejected').choices(['accepted', 'rejected']).makeOptionMandatory())
    .requiredOption('--note <text>', 'why (required)')
    .addOption(language)
    .action(async (n: number, o: { municipality: string; decision: 'accepted' | 'rejected'; note: string; language?: Language }) => {
      await withServices(async (s) => {
        if (!o.note.trim()) throw new InvalidArgumentError('a note is required');
        const d = await s.invoiceControl.decide(await actingIn(s, o.municipality, 'finance'), n, {
          decision: o.decision,
          note: o.note.trim(),
        });
        console.log(receivedLines(d, wordsIn(o.language)).join('\n'));
      });
    });
}
