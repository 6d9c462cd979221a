/**
 * The one way carepay writes a CSV cell. Every CSV that leaves the system (accounting exports,
 * payment bases, budget series, cost statements) goes through `csvCell`/`csvRow`, so that:
 *
 * - a cell holding the delimiter, a quote, CR or LF is quoted (RFC 4180, quotes doubled);
 * - a cell a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab or CR,
 *   OWASP "CSV injection") gets a leading apostrophe and is quoted, so opening the file runs
 *   nothing. A plain number (`-1441.05`, `+3`) is left alone: it cannot be a formula, and
 *   accounting systems must read signed amounts as numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;

export function csvCell(value: string | number | null | undefined, delimiter = ';'): string {
  let s = value === null || value === undefined ? '' : String(value);
  const formula = FORMULA_START.test(s) && !PLAIN_NUMBER.test(s);
  if (formula) s = `'${s}`;
  const mustQuote = formula || s.includes(delimiter) || /["\r\n]/.test(s);
  return mustQuote ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: readonly (string | number | null | undefined)[], delimiter = ';'): string {
  return values.map((v) => csvCell(v, delimiter)).join(delimiter);
}

/** Header and rows joined with CRLF, ending in CRLF. */
export function csvDocument(
  header: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
  delimiter = ';',
): string {
  return [csvRow(header, delimiter), ...rows.map((r) => csvRow(r, delimiter))].join('\r\n') + '\r\n';
}
