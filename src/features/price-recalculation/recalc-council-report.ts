import type { Knex } from 'knex';
import { actorNames } from '../auth/actor-names.js';
import { priceGroupCategories } from './recalc-labels.js';
import { recalcReport, type MunicipalityInfo } from './recalc-report.js';
import type { Recalculation, RecalcReport } from './recalc-schemas.js';

/**
 * The council report as readers get it, from the API, the web page, the command line and the
 * demo alike: the approver by name (not `cli:root` or `token:2`), the price groups by their care
 * category and time bands in words (recalc-labels.ts), rendered in the municipality's language.
 */
export async function councilReport(
  db: Knex,
  municipalityId: number,
  r: Recalculation,
  m: MunicipalityInfo,
): Promise<{ report: RecalcReport; pdf: () => Promise<Buffer> }> {
  const report = recalcReport(r, m);
  if (report.approvedBy) report.approvedBy = (await actorNames(db, municipalityId, [report.approvedBy], m.language))(report.approvedBy);
  return {
    report,
    pdf: async () => {
      const { renderRecalcPdf } = await import('./recalc-pdf.js'); // pdfkit only when a PDF is asked for
      return renderRecalcPdf(report, await priceGroupCategories(db, municipalityId));
    },
  };
}
