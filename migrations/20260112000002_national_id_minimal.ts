import type { Knex } from 'knex';

/**
 * National ids keep less (issue 20, defect 9): the masked form loses its birth date (it kept
 * DDMMYY or YYYYMMDD, which left a holder of the hashing key 10,000 candidates per citizen), and
 * every hash names the key it was made under, so keys can be rotated (`carepay national-ids
 * rotate`, docs/security.md). Existing hashes were made with the one key there was: key 1.
 * The backfill and the constraints that rely on it run in this migration's one transaction.
 * Down drops the key column; the birth dates are gone for good.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table citizens add column national_id_key smallint');
  await knex.raw('update citizens set national_id_key = 1 where national_id_hmac is not null');
  await knex.raw(
    `update citizens set national_id_masked = regexp_replace(national_id_masked, '[0-9]', '*', 'g') where national_id_masked ~ '[0-9]'`,
  );
  await knex.raw(`
    alter table citizens
      add constraint citizens_national_id_key check ((national_id_hmac is null) = (national_id_key is null) and national_id_key >= 1),
      add constraint citizens_national_id_masked check (national_id_masked in ('******-****', '********-****'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'alter table citizens drop constraint citizens_national_id_masked, drop constraint citizens_national_id_key, drop column national_id_key',
  );
}
