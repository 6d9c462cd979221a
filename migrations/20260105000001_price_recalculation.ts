import type { Knex } from 'knex';

/**
 * The annual recalculation of hourly prices (DOMAIN.md §7, docs/price-recalculation.md):
 * settings per municipality, the municipal provider's cost statement of a year (categories, cost
 * lines with their allocation keys, entered hours), the recalculation with its frozen result, and
 * the retro adjustment of each private provider (lines per category, band and paid rate).
 *
 * A cost statement is frozen once an approved recalculation used it; an approved recalculation,
 * its adjustments and their lines are frozen by trigger (only the adoption of the proposed price
 * list may still be recorded).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table price_recalculation_settings (
      municipality_id       integer primary key references municipalities(id),
      policy                text not null check (policy in ('none', 'upward_only', 'symmetric')),
      overhead_percent      numeric(6, 3) check (overhead_percent >= 0 and overhead_percent < 100),
      price_decimals        smallint not null check (price_decimals between 0 and 4),
      rounding              text not null check (rounding in ('half_up', 'up')),
      published_vat_percent numeric(5, 2) not null check (published_vat_percent >= 0 and published_vat_percent < 100),
      updated_at            timestamptz not null default now(),
      updated_by            text not null
    )`);
  await knex.raw(`
    create table cost_statements (
      id              serial primary key,
      municipality_id integer not null references municipalities(id),
      year            integer not null check (year between 2000 and 2999),
      provider_id     integer not null,
      hours_source    text not null check (hours_source in ('visits', 'entered')),
      note            text check (length(note) <= 2000),
      created_at      timestamptz not null default now(),
      created_by      text not null,
      updated_at      timestamptz not null default now(),
      updated_by      text not null,
      frozen_at       timestamptz,
      unique (municipality_id, id),
      unique (municipality_id, year),
      foreign key (municipality_id, provider_id) references providers(municipality_id, id)
    )`);
  await knex.raw(`
    create table cost_statement_categories (
      municipality_id integer not null,
      statement_id    integer not null,
      position        integer not null,
      code            text not null check (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
      name            text not null check (length(name) between 1 and 200),
      price_group     text not null check (price_group ~ '^[A-Za-z0-9_.-]{1,64}$'),
      time_bands      text[] not null check (cardinality(time_bands) >= 1),
      primary key (statement_id, code),
      unique (statement_id, position),
      foreign key (municipality_id, statement_id) references cost_statements(municipality_id, id) on delete cascade
    )`);
  await knex.raw(`
    create table cost_lines (
      municipality_id integer not null,
      statement_id    integer not null,
      line_no         integer not null check (line_no > 0),
      element         text not null check (element in ('wages', 'pensions', 'sickness', 'training', 'transport', 'management',
                        'administration', 'it', 'hr_payroll', 'insurance', 'premises', 'depreciation', 'interest', 'other')),
      description     text not null check (length(description) <= 500),
      amount          numeric(16, 2) not null,
      cost_type       text not null check (cost_type in ('direct', 'indirect')),
      assessment_unit boolean not null,
      allocation      text not null check (allocation in ('shares', 'delivered_hours', 'staff_hours')),
      -- { "<category code>": "<percent>" }, the percents add up to 100
      shares          jsonb,
      check ((allocation = 'shares') = (shares is not null)),
      primary key (statement_id, line_no),
      foreign key (municipality_id, statement_id) references cost_statements(municipality_id, id) on delete cascade
    )`);
  await knex.raw(`
    create table cost_statement_hours (
      municipality_id integer not null,
      statement_id    integer not null,
      category_code   text not null,
      delivered_hours numeric(14, 4) check (delivered_hours >= 0),
      staff_hours     numeric(14, 4) check (staff_hours >= 0),
      method          text check (length(method) <= 500),
      primary key (statement_id, category_code),
      foreign key (municipality_id, statement_id) references cost_statements(municipality_id, id) on delete cascade,
      foreign key (statement_id, category_code) references cost_statement_categories(statement_id, code) on delete cascade
    )`);
  await knex.raw(`
    create function cost_statement_children_frozen() returns trigger language plpgsql as $$
    declare
      sid integer;
    begin
      select s.id into sid from cost_statements s
       where s.frozen_at is not null and s.id in (select statement_id from changed_rows) limit 1;
      if sid is not null then
        raise exception 'cost statement % was used by an approved recalculation and cannot change', sid using errcode = 'P0001';
      end if;
      return null;
    end $$`);
  for (const table of ['cost_statement_categories', 'cost_lines', 'cost_statement_hours']) {
    for (const [event, which] of [
      ['insert', 'new'],
      ['update', 'old'],
      ['delete', 'old'],
    ] as const) {
      await knex.raw(`create trigger ${table}_frozen_${event} after ${event} on ${table}
                      referencing ${which} table as changed_rows
                      for each statement execute function cost_statement_children_frozen()`);
    }
  }
  await knex.raw(`
    create function cost_statements_frozen() returns trigger language plpgsql as $$
    begin
      if old.frozen_at is not null then
        raise exception 'cost statement % was used by an approved recalculation and cannot change', old.id using errcode = 'P0001';
      end if;
      return coalesce(new, old);
    end $$`);
  await knex.raw(
    'create trigger cost_statements_frozen before update or delete on cost_statements for each row execute function cost_statements_frozen()',
  );

  await knex.raw(`
    create table price_recalculations (
      id                     serial primary key,
      municipality_id        integer not null references municipalities(id),
      year                   integer not null check (year between 2000 and 2999),
      cost_statement_id      integer not null,
      status                 text not null check (status in ('draft', 'approved')),
      settings               jsonb not null,
      result                 jsonb not null,
      fingerprint            char(64) not null,
      currency               char(3) not null,
      computed_at            timestamptz not null default now(),
      computed_by            text not null,
      approved_at            timestamptz,
      approved_by            text,
      proposed_price_list_id integer,
      adopted_at             timestamptz,
      adopted_by             text,
      unique (municipality_id, id),
      -- One recalculation per year: a draft is recomputed in place; once approved it is final.
      unique (municipality_id, year),
      check ((status = 'draft') = (approved_at is null)),
      check (adopted_at is null or proposed_price_list_id is not null),
      foreign key (municipality_id, cost_statement_id) references cost_statements(municipality_id, id),
      foreign key (municipality_id, proposed_price_list_id) references price_lists(municipality_id, id)
    )`);
  await knex.raw(`
    create function price_recalculations_frozen() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if old.status <> 'draft' then
          raise exception 'price recalculation % is approved; it can no longer be removed', old.id using errcode = 'P0001';
        end if;
        return old;
      end if;
      if old.status <> 'draft' and (
           new.status is distinct from old.status or new.result is distinct from old.result
        or new.settings is distinct from old.settings or new.fingerprint is distinct from old.fingerprint
        or new.year is distinct from old.year or new.cost_statement_id is distinct from old.cost_statement_id
        or new.approved_at is distinct from old.approved_at
        or (old.proposed_price_list_id is not null and new.proposed_price_list_id is distinct from old.proposed_price_list_id)
        or (old.adopted_at is not null and new.adopted_at is distinct from old.adopted_at)) then
        raise exception 'price recalculation % is approved and cannot be changed', old.id using errcode = 'P0001';
      end if;
      return new;
    end $$`);
  await knex.raw(
    'create trigger price_recalculations_frozen before update or delete on price_recalculations for each row execute function price_recalculations_frozen()',
  );

  await knex.raw(`
    create table price_adjustments (
      id               serial primary key,
      municipality_id  integer not null,
      recalculation_id integer not null,
      provider_id      integer not null,
      currency         char(3) not null,
      total_excl_vat   numeric(14, 2) not null,
      vat              numeric(14, 2) not null,
      total_incl_vat   numeric(14, 2) not null check (total_incl_vat = total_excl_vat + vat),
      -- [{ percent, base, vat }]: VAT per rate on the sum of the lines at that rate
      vat_groups       jsonb not null,
      unique (municipality_id, id),
      unique (recalculation_id, provider_id),
      foreign key (municipality_id, recalculation_id) references price_recalculations(municipality_id, id) on delete cascade,
      foreign key (municipality_id, provider_id) references providers(municipality_id, id)
    )`);
  await knex.raw(`
    create table price_adjustment_lines (
      municipality_id  integer not null,
      adjustment_id    integer not null,
      line_no          integer not null check (line_no > 0),
      category_code    text not null,
      service_category text not null,
      price_group      text not null,
      band             text not null,
      paid_rate        numeric(14, 4) not null,
      new_price        numeric(14, 4) not null,
      difference       numeric(14, 4) not null,
      minutes          integer not null,
      -- Σ minutes × factor / 60 of the settlement lines, exact
      hours            numeric(20, 8) not null,
      amount           numeric(14, 2) not null,
      vat_percent      numeric(5, 2) not null,
      primary key (adjustment_id, line_no),
      foreign key (municipality_id, adjustment_id) references price_adjustments(municipality_id, id) on delete cascade
    )`);
  await knex.raw(`
    create function price_adjustments_frozen() returns trigger language plpgsql as $$
    declare
      rid integer;
    begin
      if tg_table_name = 'price_adjustments' then
        select r.id into rid from price_recalculations r
         where r.status <> 'draft' and r.id in (select recalculation_id from changed_rows) limit 1;
      else
        select r.id into rid from price_recalculations r join price_adjustments a on a.recalculation_id = r.id
         where r.status <> 'draft' and a.id in (select adjustment_id from changed_rows) limit 1;
      end if;
      if rid is not null then
        raise exception 'price recalculation % is approved; its adjustments cannot change', rid using errcode = 'P0001';
      end if;
      return null;
    end $$`);
  for (const table of ['price_adjustments', 'price_adjustment_lines']) {
    for (const [event, which] of [
      ['insert', 'new'],
      ['update', 'old'],
      ['delete', 'old'],
    ] as const) {
      await knex.raw(`create trigger ${table}_frozen_${event} after ${event} on ${table}
                      referencing ${which} table as changed_rows
                      for each statement execute function price_adjustments_frozen()`);
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const t of [
    'price_adjustment_lines',
    'price_adjustments',
    'price_recalculations',
    'cost_statement_hours',
    'cost_lines',
    'cost_statement_categories',
    'cost_statements',
    'price_recalculation_settings',
  ]) {
    await knex.raw(`drop table ${t}`);
  }
  for (const f of ['price_adjustments_frozen', 'price_recalculations_frozen', 'cost_statements_frozen', 'cost_statement_children_frozen']) {
    await knex.raw(`drop function ${f}()`);
  }
}
