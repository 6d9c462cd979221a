import type { Knex } from 'knex';
import { actorNames } from '../auth/actor-names.js';
import { priceGroupCategories } from './recalc-labels.js';
import { recalcReport, type MunicipalityInfo } from './recalc-report.js';
import type { Recalculation, RecalcReport } from './recalc-schemas.js';

/**
 * The council report as readers get it, from the API, the web page, the command line and the
 * demo alike: its JSON, and its PDF in the municipality's language with the approver by name (not
 * `cli:root` or `token:2`) and the price groups by their care category and time bands in words
 * (recalc-labels.ts).
 */
export function councilReport(
  db: Knex,
  municipalityId: number,
  r: Recalculation,
  m: MunicipalityInfo,
): { report: RecalcReport; pdf: () => Promise<Buffer> } {
  // The JSON keeps the actor string for programs (as the API's report.json); the PDF names the person.
  const report = recalcReport(r, m);
  return {
    report,
    pdf: async () => {
      const { renderRecalcPdf } = await import('./recalc-pdf.js'); // pdfkit only when a PDF is asked for
      const approvedBy = report.approvedBy && (await actorNames(db, municipalityId, [report.approvedBy], m.language))(report.approvedBy);
      return renderRecalcPdf({ ...report, approvedBy }, await priceGroupCategories(db, municipalityId));
    },
  };
}
