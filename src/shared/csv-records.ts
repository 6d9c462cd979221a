import { parse } from 'csv-parse/sync';
import { badRequest } from './errors.js';

/**
 * A small CSV file (budgets, cost statements) as a header and rows with their line numbers. One
 * delimiter for the whole file, the one the header uses most (`;`, tab or `,`): a comma may be a
 * decimal comma in the rows. A malformed file or one without a header is a 400.
 */
export function csvRecords(text: string, emptyMessage: string): { head: string[]; body: { record: string[]; row: number }[] } {
  const header = /^\uFEFF?[\r\n]*([^\r\n]*)/.exec(text)?.[1] ?? '';
  const delimiter = [';', '\t', ','].map((d) => [d, header.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, delimiter, skip_empty_lines: true, relax_quotes: false, info: true, trim: true }) as never;
  } catch (err) {
    throw badRequest(`Malformed CSV: ${(err as Error).message}`);
  }
  const [head, ...body] = records;
  if (!head) throw badRequest(emptyMessage);
  return { head: head.record, body: body.map((b) => ({ record: b.record, row: b.info.lines })) };
}
