import type { Knex } from 'knex';

/**
 * Import batches of every kind (master data besides visits and grants): the kind is checked as a
 * name, not against a fixed list, so a new import kind needs no migration.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table import_batches drop constraint import_batches_kind_check;
    alter table import_batches add constraint import_batches_kind_check check (kind ~ '^[a-z][a-z0-9-]{0,31}$')`);
}

/** Batches are permanent: the old list is checked on new rows only (`not valid`). */
export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table import_batches drop constraint import_batches_kind_check;
    alter table import_batches add constraint import_batches_kind_check check (kind in ('visits', 'grants')) not valid`);
}
