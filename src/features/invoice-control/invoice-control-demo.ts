import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../../services.js';
import { tr } from '../../i18n/i18n.js';
import type { Acting } from '../auth/auth-types.js';
import { formatNumber } from '../invoices/invoice-labels.js';
import { endpointOf, legalIdOf, vatIdOf } from '../invoices/invoice-document.js';
import type { Country, Language } from '../invoices/invoice-types.js';
import { checkUbl } from '../invoices/ubl-rules.js';
import { receivedLines } from './invoice-control-lines.js';
import { checkInvoiceResponse } from './invoice-response.js';
import { buildProviderInvoice, type ProviderParty } from './provider-invoice.js';

/** "Street 1, 1234 City" as the provider's system keeps it; a demo provider without an address gets one. */
const addressOf = (a: string | null, fallback: string) => {
  const parts = (a ?? fallback).split(',').map((s) => s.trim());
  const m = /^(\d{3,4}(?: ?\d{2})?)\s+(.+)$/.exec(parts.at(-1) ?? '') ?? ['', '0000', 'Demoby'];
  return { street: parts[0] ?? 'Vestergade 1', postalZone: m[1].replace(' ', ''), city: m[2] };
};

function partyOf(country: Country, r: Record<string, any>, seller: boolean): ProviderParty {
  return {
    name: r.name,
    endpoint: endpointOf(country, {
      electronicAddress: r.electronic_address,
      electronicAddressScheme: r.electronic_address_scheme,
      companyNumber: r.company_number,
    })!,
    companyId: legalIdOf(country, r.company_number),
    vatId: seller && r.vat_status === 'registered' ? vatIdOf(country, r.company_number) : null,
    address: addressOf(r.address, seller ? 'Vestergade 1, 5970 Ærøskøbing' : 'Rådhustorvet 1, 6200 Demoby'),
    country,
    ...(seller && r.bank_account ? { iban: String(r.bank_account).replace(/\s/g, '') } : {}),
  };
}

/**
 * The payment-basis flow of the demo, end to end: the provider (PLEJE-PLUS) invoices from its own
 * system. After the month's settlements are approved, carepay sends it its payment basis; the
 * demo then writes the provider's own Peppol invoice from that basis the way its invoicing
 * system would, receives it, and prints the verdict. Basis PDF and CSV, the invoice and the
 * Invoice Response go to `outDir`. A second run sends and receives nothing twice.
 */
export async function runDemoInvoiceControl(
  services: Services,
  municipalityCode: string,
  outDir: string,
  providerRef = 'PLEJE-PLUS',
  language?: Language,
): Promise<string[]> {
  const m = await services.municipalities.getByCode(municipalityCode);
  const lang = language ?? m.language;
  const who: Acting = {
    principal: { municipalityId: m.id, role: 'finance', providerId: null, actor: 'demo', tokenId: null },
    requestId: null,
  };
  const db = services.db;
  const provider = await db('providers').where({ municipality_id: m.id, ref: providerRef }).first();
  if (!provider) return [tr(lang, 'cli', 'basisNoProvider', { provider: providerRef, municipality: municipalityCode })];
  // The demo's own master data choice (the providers API sets it elsewhere): this provider invoices from its own system.
  if (provider.invoicing_mode !== 'payment_basis')
    await db('providers').where({ id: provider.id }).update({ invoicing_mode: 'payment_basis' });

  const sent = new Set((await services.invoiceControl.issueDue(who)).filter((r) => r.created).map((r) => r.basis.reference));
  const bases = await services.invoiceControl.listBases(who, { providerId: provider.id }, { limit: 100, offset: 0 });
  const out = [tr(lang, 'cli', 'basisHead', { provider: providerRef, dir: outDir })];
  // The month's bases; the basis of a price adjustment belongs to the recalculation step.
  for (const b of bases.items.filter((x) => x.settlementId !== null))
    out.push(...(await answerBasis(services, who, b.reference, outDir, sent.has(b.reference), lang)));
  return out;
}

/**
 * One basis through the flow: its PDF and CSV written, then (unless a document ready for payment
 * already answers it) the provider's own invoice or credit note built from it as the provider's
 * system would, received, and its Invoice Response written. The lines say what happened.
 */
export async function answerBasis(
  services: Services,
  who: Acting,
  reference: string,
  outDir: string,
  sentNow = true,
  lang: Language = 'en',
): Promise<string[]> {
  const db = services.db;
  const m = who.principal.municipalityId;
  const full = await services.invoiceControl.basis(who, reference);
  const provider = await db('providers').where({ municipality_id: m, id: full.providerId }).first();
  const municipality = await db('municipalities').where({ id: m }).first();
  const country = municipality.country as Country;
  const out: string[] = [];
  await mkdir(outDir, { recursive: true });
  const [{ pdf }, { csv }] = await Promise.all([
    services.invoiceControl.basisPdf(who, reference),
    services.invoiceControl.basisCsv(who, reference),
  ]);
  await writeFile(path.join(outDir, `${reference}.pdf`), pdf);
  await writeFile(path.join(outDir, `${reference}.csv`), csv);
  out.push(
    `  ${tr(lang, 'cli', sentNow ? 'prefixSent' : 'prefixExists').padEnd(7)} ${tr(lang, 'cli', 'basisSent', {
      reference,
      provider: full.providerRef,
      period: full.period,
      amount: formatNumber(full.totalInclVat, 2, lang),
      currency: full.currency,
    })}`,
  );

  const done = (await services.invoiceControl.listReceived(who, { providerId: provider.id }, { limit: 1000, offset: 0 })).items.find(
    (d) => d.paymentBasisReference === reference && d.readyForPayment,
  );
  if (done) return [...out, `  ${tr(lang, 'cli', 'basisAlreadyReceived', { line: receivedLines(done, lang)[0]! })}`];
  const basis = full.document;
  const number = `PP-${full.period.replace('-', '')}-${reference.slice(-4)}`;
  const xml = buildProviderInvoice(basis, {
    number,
    issueDate: basis.issueDate,
    seller: partyOf(country, provider, true),
    buyer: partyOf(country, municipality, false),
  });
  const own = checkUbl(xml);
  const kind = basis.totals.inclVat.startsWith('-') ? 'provider-credit-note' : 'provider-invoice';
  await writeFile(path.join(outDir, `${number}.${kind}.xml`), xml);
  const d = await services.invoiceControl.receive(who, { bytes: Buffer.from(xml, 'utf8') }, { source: 'demo', filename: `${number}.xml` });
  out.push(`  ${tr(lang, 'cli', 'basisReceived', { line: receivedLines(d, lang).join('\n    ') })}`);
  if (own.length)
    out.push(
      `    ${tr(lang, 'cli', kind === 'provider-invoice' ? 'basisOwnInvoiceBroke' : 'basisOwnCreditNoteBroke', { rules: own.map((v) => v.rule).join(', ') })}`,
    );
  const response = await services.invoiceControl.response(who, d.id).catch(() => null);
  if (response) {
    await writeFile(path.join(outDir, `${number}.invoice-response.xml`), response.xml);
    const broken = checkInvoiceResponse(response.xml);
    out.push(
      `  ${tr(lang, 'cli', 'basisResponse', {
        code: response.code,
        check: broken.length === 0 ? tr(lang, 'cli', 'basisResponseClean') : broken.map((v) => v.rule).join(', '),
      })}`,
    );
  }
  return out;
}
