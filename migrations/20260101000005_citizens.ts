import type { Knex } from 'knex';

/**
 * Citizens are known by an opaque reference. The national id (CPR / personnummer) is optional;
 * only a keyed hash (to find a citizen by it) and a masked form (birth date part) are stored.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table citizens (
      id                 serial primary key,
      municipality_id    integer not null references municipalities(id),
      ref                text not null check (ref ~ '^[A-Za-z0-9_.-]{1,64}$'),
      area               text check (area ~ '^[A-Za-z0-9_.-]{1,64}$'),
      national_id_hmac   text,
      national_id_masked text,
      created_at         timestamptz not null default now(),
      updated_at         timestamptz not null default now(),
      unique (municipality_id, ref),
      unique (municipality_id, id),
      unique (municipality_id, national_id_hmac)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table citizens');
}
