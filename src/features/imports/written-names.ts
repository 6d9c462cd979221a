import type { Knex } from 'knex';

/**
 * Rejected rows name the field as the file wrote it ("Ydelse", "Borger"), not by the canonical
 * name a reader of the file has never seen: the field of each rejection, and a canonical name
 * that its message mentions ("must be after valid_from" → "must be after Gyldig fra"), are
 * rewritten to the file's header or JSON key. Runs on import_resolved after `resolve`.
 */
export async function nameFieldsAsWritten(tx: Knex.Transaction, written: ReadonlyMap<string, string>): Promise<void> {
  const renamed = [...written].filter(([canonical, asWritten]) => canonical !== asWritten);
  if (renamed.length === 0) return;
  const values = renamed.map(() => '(?, ?)').join(', ');
  const params = renamed.flat();
  await tx.raw(
    `update import_resolved r set err_field = coalesce((select w.written from (values ${values}) w(canonical, written) where w.canonical = r.err_field), r.err_field)
      where r.err_field is not null`,
    params,
  );
  // Only names that cannot be a plain word of the message ("valid_from", not "rate"); longest
  // first, so a name is not rewritten inside a longer one that contains it.
  const named = renamed.filter(([canonical]) => canonical.includes('_')).sort(([a], [b]) => b.length - a.length);
  for (const [canonical, asWritten] of named) {
    await tx.raw(
      `update import_resolved set err_message = regexp_replace(err_message, ?, ?, 'g')
        where err_field is not null and strpos(err_message, ?) > 0`,
      [`\\m${canonical}\\M`, asWritten.replace(/\\/g, '\\\\').replace(/&/g, '\\&'), canonical],
    );
  }
}
