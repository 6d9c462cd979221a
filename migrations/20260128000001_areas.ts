import type { Knex } from 'knex';

/**
 * Areas are the municipality's own list (issue 19: users saw the bare codes `urban` / `rural`).
 * An area keeps the code citizens, visits, rates, level prices, budgets and models already name;
 * it gets a name in the municipality's own words (an area is a proper name: one name, shown in
 * every language). Every code already used gets a row: `urban` and `rural` (the codes carepay's
 * examples use) are named in the municipality's language, any other code keeps its code as its
 * name until the municipality renames it. No foreign keys: the columns stay free text, so no
 * import, scenario or settlement that writes an area today is refused; an area not in the list is
 * shown by its code (docs/areas.md).
 */
const KNOWN = `
  ('urban', 'da', 'Bydistrikt'), ('rural', 'da', 'Landdistrikt'),
  ('urban', 'sv', 'Tätort'),     ('rural', 'sv', 'Landsbygd'),
  ('urban', 'en', 'Urban'),      ('rural', 'en', 'Rural')`;

const USED = `
  select municipality_id, area from citizens where area is not null
  union select municipality_id, area from visits where area is not null
  union select municipality_id, area from price_rates where area <> ''
  union select municipality_id, area from level_rates where area <> ''
  union select municipality_id, area from budgets where area is not null
  union select municipality_id, area from budget_check_lines where area is not null
  union select municipality_id, jsonb_object_keys(document->'area'->'supplements') from reimbursement_models
   where jsonb_typeof(document->'area'->'supplements') = 'object'`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table areas (
      municipality_id integer not null references municipalities(id),
      code            text not null check (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
      name            text not null check (length(name) between 1 and 100 and name = btrim(name)),
      created_at      timestamptz not null default now(),
      updated_at      timestamptz not null default now(),
      primary key (municipality_id, code)
    )`);
  await knex.raw(`
    insert into areas (municipality_id, code, name)
    select u.municipality_id, u.area, coalesce(k.name, u.area)
      from (${USED}) as u(municipality_id, area)
      join municipalities m on m.id = u.municipality_id
      left join (values ${KNOWN}) as k(code, language, name) on k.code = u.area and k.language = m.language
     where u.area ~ '^[A-Za-z0-9_.-]{1,64}$'
     order by 1, 2`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table areas');
}
