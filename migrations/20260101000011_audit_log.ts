import type { Knex } from 'knex';

/** Who created or changed what, and when. Append-only: updates and deletes are refused by trigger. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table audit_log (
      id              bigserial primary key,
      municipality_id integer not null references municipalities(id),
      occurred_at     timestamptz not null default now(),
      actor           text not null,
      action          text not null,
      entity          text not null,
      entity_id       text,
      request_id      text,
      changes         jsonb not null default '{}'::jsonb
    )`);
  await knex.raw('create index audit_log_entity on audit_log (municipality_id, entity, entity_id)');
  await knex.raw('create index audit_log_time on audit_log (municipality_id, occurred_at)');
  await knex.raw(`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only' using errcode = 'P0001';
    end $$`);
  await knex.raw(`
    create trigger audit_log_append_only before update or delete or truncate on audit_log
      for each statement execute function audit_log_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table audit_log');
  await knex.raw('drop function audit_log_append_only()');
}
