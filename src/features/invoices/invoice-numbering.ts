import type { Knex } from 'knex';

/**
 * Invoice numbers: '<year>-<six digits>', e.g. '2026-000123', gapless per municipality and
 * calendar year of the issue date; internal statements have their own series 'I<year>-<six digits>'. The number comes from the municipality's counter row for the
 * year, incremented inside the issuing transaction: the row stays locked until that transaction
 * ends, so concurrent issues queue behind it, and a rollback takes the increment back with it —
 * a sequence would leave a hole.
 */
export const NUMBER_PATTERN = /^(I?)(\d{4})-(\d{6})$/;

/** '' for invoices and credit notes; 'I' for internal settlement statements, a series of their own. */
export type NumberSeries = '' | 'I';

export const formatInvoiceNumber = (year: number, n: number, series: NumberSeries = ''): string =>
  `${series}${year}-${String(n).padStart(6, '0')}`;

export async function allocateInvoiceNumber(
  tx: Knex.Transaction,
  municipalityId: number,
  year: number,
  series: NumberSeries = '',
): Promise<{ number: string; sequenceNo: number }> {
  const { rows } = await tx.raw(
    `insert into invoice_counters (municipality_id, series, year, last_number) values (?, ?, ?, 1)
     on conflict (municipality_id, series, year) do update set last_number = invoice_counters.last_number + 1
     returning last_number`,
    [municipalityId, series, year],
  );
  const n = rows[0].last_number as number;
  if (n > 999_999) throw new Error(`invoice numbers of ${year} are exhausted`);
  return { number: formatInvoiceNumber(year, n, series), sequenceNo: n };
}
