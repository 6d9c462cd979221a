import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../../services.js';
import { AppError } from '../../shared/errors.js';
import type { Acting } from '../auth/auth-types.js';
import { invoiceLine } from './invoice-command.js';
import { checkUbl } from './ubl-rules.js';

/**
 * Issues the invoices of every approved settlement of the municipality that has none yet (regular
 * settlements before the corrections that refer to them), then writes the PDF and UBL of every
 * invoice of the municipality to `outDir` as <number>.pdf / <number>.xml. Returns printable lines.
 */
export async function issueDemoInvoices(services: Services, municipalityCode: string, outDir: string): Promise<string[]> {
  const m = await services.municipalities.getByCode(municipalityCode);
  const who: Acting = { principal: { municipalityId: m.id, role: 'finance', providerId: null, actor: 'demo', tokenId: null }, requestId: null };
  const out: string[] = [];
  for (const id of await services.invoices.uninvoicedSettlements(who)) {
    try {
      const { invoice, created } = await services.invoices.issueForSettlement(who, id);
      out.push(`  ${created ? 'issued ' : 'exists '} ${invoiceLine(invoice)}`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      out.push(`  settlement ${id} not invoiced: ${e.message}`);
    }
  }
  await mkdir(outDir, { recursive: true });
  const all = await services.invoices.list(who, {}, { limit: 1000, offset: 0 });
  let violations = 0;
  for (const i of all.items) {
    const [{ pdf }, { xml }] = await Promise.all([services.invoices.pdf(who, i.number), services.invoices.ubl(who, i.number)]);
    await writeFile(path.join(outDir, `${i.number}.pdf`), pdf);
    await writeFile(path.join(outDir, `${i.number}.xml`), xml);
    const broken = checkUbl(xml);
    violations += broken.length;
    for (const v of broken.slice(0, 3)) out.push(`  ${i.number} UBL ${v.rule}: ${v.message}`);
  }
  out.unshift(`Invoices of ${m.name}: ${all.total} (PDF and Peppol UBL in ${outDir}); ${violations === 0 ? 'UBL: no EN 16931 rule checked here is broken' : `UBL: ${violations} rule violation(s)`}`);
  return out;
}
