import type { Knex } from 'knex';

/**
 * Postal addresses in parts, as the e-invoice needs them (UBL PostalAddress: street, additional
 * street, city, postcode, country; the Danish rules require the seller's). The old one-line
 * `address` stays as the printable form and is kept in step by the services; the parts are filled
 * from it in the next migration. The country is the municipality's (providers are in its country).
 */
export async function up(knex: Knex): Promise<void> {
  for (const table of ['municipalities', 'providers']) {
    await knex.raw(`alter table ${table}
      add column street_name text check (street_name is null or length(street_name) between 1 and 200),
      add column additional_street_name text check (additional_street_name is null or length(additional_street_name) between 1 and 200),
      add column city_name text check (city_name is null or length(city_name) between 1 and 100),
      add column postal_zone text check (postal_zone is null or postal_zone ~ '^[0-9]{3} {0,1}[0-9]{2}$|^[0-9]{4}$')`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['municipalities', 'providers']) {
    await knex.raw(
      `alter table ${table} drop column street_name, drop column additional_street_name, drop column city_name, drop column postal_zone`,
    );
  }
}
