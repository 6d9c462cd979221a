import type { Knex } from 'knex';

/**
 * Fills the address parts from the one-line address where it reads "street[, more], postcode city"
 * (a Danish 4-digit or Swedish "NNN NN" postcode); other addresses are left for the municipality to
 * complete (issuing names what is missing).
 */
export async function up(knex: Knex): Promise<void> {
  for (const table of ['municipalities', 'providers']) {
    await knex.raw(`
      with parsed as (
        select id, regexp_split_to_array(address, '\\s*,\\s*') as parts from ${table}
        where address is not null and street_name is null
      ), split as (
        select id, parts, parts[array_length(parts, 1)] as last from parsed where array_length(parts, 1) >= 2
      )
      update ${table} t set
        street_name = s.parts[1],
        additional_street_name = nullif(array_to_string(s.parts[2:array_length(s.parts, 1) - 1], ', '), ''),
        postal_zone = substring(s.last from '^([0-9]{4}|[0-9]{3} {0,1}[0-9]{2})\\s'),
        city_name = regexp_replace(s.last, '^([0-9]{4}|[0-9]{3} {0,1}[0-9]{2})\\s+', '')
      from split s
      where t.id = s.id and s.last ~ '^([0-9]{4}|[0-9]{3} {0,1}[0-9]{2})\\s+\\S'`);
  }
}

export async function down(): Promise<void> {}
