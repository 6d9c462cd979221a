import type { Knex } from 'knex';

/**
 * Identifiers (typically SOR ids) under which a municipality's care system reports its citizens
 * in FHIR (Patient.managingOrganization): a bundle naming another organisation is another
 * municipality's. The municipality's code, CVR and EAN/GLN count without being listed here.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table fhir_organisation_ids (
      id              serial,
      municipality_id integer not null references municipalities(id),
      value           text not null check (value ~ '^[A-Za-z0-9_.:-]{1,64}$'),
      primary key (municipality_id, id),
      unique (municipality_id, value)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table fhir_organisation_ids');
}
