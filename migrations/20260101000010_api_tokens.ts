import type { Knex } from 'knex';

/** API tokens, stored as SHA-256 hashes only. A provider token is bound to one provider. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table api_tokens (
      id              serial primary key,
      municipality_id integer not null references municipalities(id),
      name            text not null check (length(name) between 1 and 200),
      role            text not null check (role in ('admin', 'finance', 'budget_controller', 'auditor', 'provider')),
      provider_id     integer,
      token_hash      char(64) not null unique,
      token_prefix    text not null,
      created_by      text not null,
      created_at      timestamptz not null default now(),
      expires_at      timestamptz,
      revoked_at      timestamptz,
      last_used_at    timestamptz,
      foreign key (municipality_id, provider_id) references providers(municipality_id, id),
      check ((role = 'provider') = (provider_id is not null))
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table api_tokens');
}
