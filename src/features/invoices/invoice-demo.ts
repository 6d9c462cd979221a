import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../../services.js';
import { AppError } from '../../shared/errors.js';
import type { Acting } from '../auth/auth-types.js';
import { tr } from '../../i18n/i18n.js';
import { invoiceLine } from './invoice-command.js';
import type { Language } from './invoice-types.js';
import { checkUbl } from './ubl-rules.js';

/**
 * Issues the documents of every approved settlement of the municipality that has none yet (regular
 * settlements before the corrections that refer to them): self-billed invoices, internal
 * statements for the in-house provider; a provider on payment basis is skipped (it invoices
 * itself). Then writes the PDF (and the UBL, except for an internal statement) of every document
 * to `outDir` as <number>.pdf / <number>.xml, with the rule check's result for each. Returns
 * printable lines.
 */
export async function issueDemoInvoices(
  services: Services,
  municipalityCode: string,
  outDir: string,
  language?: Language,
): Promise<string[]> {
  const m = await services.municipalities.getByCode(municipalityCode);
  const who: Acting = {
    principal: { municipalityId: m.id, role: 'finance', providerId: null, actor: 'demo', tokenId: null },
    requestId: null,
  };
  const out: string[] = [];
  const lang = language ?? m.language;
  for (const id of await services.invoices.uninvoicedSettlements(who)) {
    try {
      const { invoice, created } = await services.invoices.issueForSettlement(who, id);
      out.push(`  ${tr(lang, 'cli', created ? 'prefixIssued' : 'prefixExists').padEnd(7)} ${invoiceLine(invoice, lang)}`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      const paymentBasis = (e.details as { invoicingMode?: string } | undefined)?.invoicingMode === 'payment_basis';
      out.push(
        paymentBasis
          ? `  settlement ${id} skipped: ${e.message.replace(/^Settlement \d+: /, '')}`
          : `  settlement ${id} not invoiced: ${e.message}`,
      );
    }
  }
  await mkdir(outDir, { recursive: true });
  const all = await services.invoices.list(who, {}, { limit: 1000, offset: 0 });
  let violations = 0;
  for (const i of all.items) {
    await writeFile(path.join(outDir, `${i.number}.pdf`), (await services.invoices.pdf(who, i.number)).pdf);
    if (i.profile === 'internal') {
      out.push(`  ${tr(lang, 'cli', 'demoInternalOnly', { number: i.number })}`);
      continue;
    }
    const { xml } = await services.invoices.ubl(who, i.number);
    await writeFile(path.join(outDir, `${i.number}.xml`), xml);
    const broken = checkUbl(xml);
    violations += broken.length;
    out.push(
      `  ${i.number} UBL ${i.typeCode}: ${
        broken.length === 0
          ? tr(lang, 'cli', 'demoUblOk')
          : broken
              .slice(0, 3)
              .map((v) => `${v.rule}: ${v.message}`)
              .join('; ')
      }`,
    );
  }
  out.unshift(
    tr(lang, 'cli', 'demoDocuments', {
      name: m.name,
      count: all.total,
      dir: outDir,
      ubl: violations === 0 ? tr(lang, 'cli', 'demoUblClean') : tr(lang, 'cli', 'demoUblViolations', { count: violations }),
    }),
  );
  return out;
}
