import type { Knex } from 'knex';

/**
 * A display name for every API token: the person or system that acts with it ("Anna Holm",
 * "Lønsystemet"), shown wherever an action is attributed instead of `token:2 (demo finance)`.
 * `name` stays the token's label (what it is for); existing tokens start with their label.
 * Web users already have a display name (web_users.display_name).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table api_tokens add column display_name text');
  await knex.raw('update api_tokens set display_name = name');
  await knex.raw('alter table api_tokens alter column display_name set not null');
  await knex.raw('alter table api_tokens add constraint api_tokens_display_name_check check (length(display_name) between 1 and 200)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table api_tokens drop column display_name');
}
