import { csvDocument } from '../../shared/csv-writer.js';
import type { CostLine } from './recalc-types.js';

/** Cost lines as CSV in the format the import reads (`;`, decimal point, UTF-8, CRLF; shares in category order), so an export can be edited and imported again. */
export function costStatementCsv(lines: readonly CostLine[], categoryOrder: readonly string[]): string {
  const rank = (c: string) => categoryOrder.indexOf(c);
  const rows = lines.map((l) => [
    l.element,
    l.description,
    l.amount,
    l.costType,
    l.assessmentUnit ? 'yes' : 'no',
    l.allocation.type === 'driver'
      ? l.allocation.driver
      : Object.entries(l.allocation.shares)
          .sort(([a], [b]) => rank(a) - rank(b))
          .map(([c, p]) => `${c}:${p}`)
          .join('|'),
  ]);
  return csvDocument(['element', 'description', 'amount', 'type', 'assessment', 'allocation'], rows);
}
