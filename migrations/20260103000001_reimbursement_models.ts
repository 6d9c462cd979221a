import type { Knex } from 'knex';

/**
 * Reimbursement models (afregningsmodel / ersättningsmodell): versioned JSON documents,
 * validated by src/features/reimbursement/model-schema.ts. A version that a settlement used is
 * frozen (used_at set). Assignments put a model version in force, effective-dated, for all
 * providers (provider_id null) or one provider; a provider's own assignment wins.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table reimbursement_models (
      id              serial primary key,
      municipality_id integer not null references municipalities(id),
      name            text not null check (name ~ '^[A-Za-z0-9_.-]{1,64}$'),
      version         integer not null check (version >= 1),
      description     text check (length(description) <= 2000),
      document        jsonb not null,
      created_by      text not null,
      created_at      timestamptz not null default now(),
      used_at         timestamptz,
      unique (municipality_id, name, version),
      unique (municipality_id, id)
    )`);
  await knex.raw(`
    create function reimbursement_models_frozen() returns trigger language plpgsql as $$
    begin
      if old.used_at is not null and (tg_op = 'DELETE' or new.document is distinct from old.document
          or new.name is distinct from old.name or new.version is distinct from old.version) then
        raise exception 'model % version % has been used by a settlement and cannot be changed', old.name, old.version
          using errcode = 'P0001', hint = 'add a new model version instead';
      end if;
      return coalesce(new, old);
    end $$`);
  await knex.raw(`
    create trigger reimbursement_models_frozen before update or delete on reimbursement_models
      for each row execute function reimbursement_models_frozen()`);
  await knex.raw(`
    create table model_assignments (
      id              serial primary key,
      municipality_id integer not null,
      model_id        integer not null,
      provider_id     integer,
      provider_scope  integer generated always as (coalesce(provider_id, 0)) stored,
      valid_from      date not null,
      valid_to        date,
      created_by      text not null,
      created_at      timestamptz not null default now(),
      foreign key (municipality_id, model_id) references reimbursement_models(municipality_id, id),
      foreign key (municipality_id, provider_id) references providers(municipality_id, id),
      check (valid_to is null or valid_to > valid_from),
      exclude using gist (municipality_id with =, provider_scope with =, daterange(valid_from, valid_to) with &&)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table model_assignments');
  await knex.raw('drop table reimbursement_models');
  await knex.raw('drop function reimbursement_models_frozen()');
}
