import type { Knex } from 'knex';

/**
 * Internal settlement statements (intern afregning) for the municipality's own provider: it is
 * not invoiced to its own municipality. A statement and its corrections live in the invoices table
 * (listed with the other documents, immutable, frozen) but in their own gapless number series,
 * `I<year>-<six digits>`, from their own counter row (series 'I'; invoices have series '').
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table invoice_counters add column series text not null default '' check (series in ('', 'I'))`);
  await knex.raw('alter table invoice_counters drop constraint invoice_counters_pkey');
  await knex.raw('alter table invoice_counters add primary key (municipality_id, series, year)');

  await knex.raw(`alter table invoices add column series text not null default '' check (series in ('', 'I'))`);
  await knex.raw('alter table invoices drop constraint invoices_kind_check');
  await knex.raw('alter table invoices drop constraint invoices_number_check');
  await knex.raw('alter table invoices drop constraint invoices_check2');
  await knex.raw('alter table invoices drop constraint invoices_check3');
  await knex.raw('alter table invoices drop constraint invoices_check4');
  await knex.raw('alter table invoices drop constraint invoices_municipality_id_year_sequence_no_key');
  await knex.raw(`alter table invoices
    add constraint invoices_kind_check check (kind in ('invoice', 'supplementary_invoice', 'credit_note', 'internal_statement', 'internal_correction')),
    add constraint invoices_series_of_kind check ((series = 'I') = (kind in ('internal_statement', 'internal_correction'))),
    add constraint invoices_number_check check (number ~ '^I{0,1}\\d{4}-\\d{6}$' and number = series || year || '-' || lpad(sequence_no::text, 6, '0')),
    add constraint invoices_corrects_check check ((kind in ('invoice', 'internal_statement')) = (corrects_invoice_id is null)),
    add constraint invoices_sign_check check (case kind when 'credit_note' then total_incl_vat < 0
      when 'internal_correction' then true else total_incl_vat >= 0 end),
    add constraint invoices_municipality_id_series_year_sequence_no_key unique (municipality_id, series, year, sequence_no)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`delete from invoices where series = 'I'`);
  await knex.raw(`alter table invoices drop constraint invoices_kind_check, drop constraint invoices_series_of_kind,
    drop constraint invoices_number_check, drop constraint invoices_corrects_check, drop constraint invoices_sign_check,
    drop constraint invoices_municipality_id_series_year_sequence_no_key, drop column series`);
  await knex.raw(`alter table invoices
    add constraint invoices_kind_check check (kind in ('invoice', 'supplementary_invoice', 'credit_note')),
    add constraint invoices_number_check check (number ~ '^\\d{4}-\\d{6}$'),
    add constraint invoices_check2 check (number = year || '-' || lpad(sequence_no::text, 6, '0')),
    add constraint invoices_check3 check ((kind = 'invoice') = (corrects_invoice_id is null)),
    add constraint invoices_check4 check ((kind = 'credit_note') = (total_incl_vat < 0)),
    add constraint invoices_municipality_id_year_sequence_no_key unique (municipality_id, year, sequence_no)`);
  await knex.raw(`delete from invoice_counters where series = 'I'`);
  await knex.raw('alter table invoice_counters drop constraint invoice_counters_pkey, drop column series');
  await knex.raw('alter table invoice_counters add primary key (municipality_id, year)');
}
