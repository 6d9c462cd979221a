import type { Knex } from 'knex';

/**
 * The facts of an exception's message by name (`{ registered: 75, granted: 25, factor: "2" }`), so
 * pages, documents and the CLI say it in the reader's language (src/i18n, reasons `detail.<kind>`);
 * `message` keeps the English sentence for the API and logs. Exceptions stored before have `{}`
 * and are shown with their message.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table settlement_exceptions add column params jsonb not null default '{}'::jsonb`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table settlement_exceptions drop column params');
}
