import type { Knex } from 'knex';

/**
 * Sign-in for the web interface (docs/decisions/0007-web-interface.md):
 * - web_users: per-user credentials; the password is kept as an scrypt hash with its own salt.
 * - web_sessions: one row per signed-in browser; only the SHA-256 of the cookie value is stored.
 *   A session stands for a user or for the API token it was opened with, and dies with either.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table web_users (
      id              serial primary key,
      municipality_id integer not null references municipalities(id),
      username        text not null check (username ~ '^[a-z0-9._@-]{3,80}$'),
      display_name    text not null check (length(display_name) between 1 and 200),
      role            text not null check (role in ('admin', 'finance', 'budget_controller', 'auditor', 'provider')),
      provider_id     integer,
      password_hash   text not null,
      created_by      text not null,
      created_at      timestamptz not null default now(),
      disabled_at     timestamptz,
      unique (municipality_id, username),
      unique (municipality_id, id),
      foreign key (municipality_id, provider_id) references providers(municipality_id, id),
      check ((role = 'provider') = (provider_id is not null))
    )`);
  await knex.raw(`
    create table web_sessions (
      id              bigserial primary key,
      municipality_id integer not null references municipalities(id),
      session_hash    char(64) not null unique,
      csrf_token      text not null,
      token_id        integer references api_tokens(id),
      user_id         integer,
      role            text not null check (role in ('admin', 'finance', 'budget_controller', 'auditor', 'provider')),
      provider_id     integer,
      actor           text not null,
      flash           jsonb,
      created_at      timestamptz not null default now(),
      last_seen_at    timestamptz not null default now(),
      expires_at      timestamptz not null,
      foreign key (municipality_id, user_id) references web_users(municipality_id, id),
      foreign key (municipality_id, provider_id) references providers(municipality_id, id),
      check ((token_id is null) <> (user_id is null))
    )`);
  await knex.raw('create index web_sessions_expires on web_sessions (expires_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table web_sessions');
  await knex.raw('drop table web_users');
}
