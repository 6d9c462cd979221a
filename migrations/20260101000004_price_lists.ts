import type { Knex } from 'knex';

/**
 * Price lists: effective-dated versions of hourly (or per-visit / per-month) rates.
 * A version that a settlement used (used_at set) is frozen by trigger: its rates and dates can
 * no longer change; only valid_to may be set once to close an open-ended version.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table price_lists (
      id              serial primary key,
      municipality_id integer not null references municipalities(id),
      label           text not null check (length(label) between 1 and 100),
      status          text not null check (status in ('proposed', 'adopted', 'recalculated')),
      valid_from      date not null,
      valid_to        date,
      used_at         timestamptz,
      note            text,
      created_at      timestamptz not null default now(),
      updated_at      timestamptz not null default now(),
      unique (municipality_id, id),
      unique (municipality_id, label),
      check (valid_to is null or valid_to > valid_from),
      -- Only one adopted (or recalculated) price list is in force on any date; proposals may overlap.
      exclude using gist (municipality_id with =, daterange(valid_from, valid_to) with &&) where (status <> 'proposed')
    )`);
  await knex.raw(`
    create table price_rates (
      id              serial primary key,
      municipality_id integer not null,
      price_list_id   integer not null,
      price_group     text not null check (price_group ~ '^[A-Za-z0-9_.-]{1,64}$'),
      time_band       text not null check (time_band ~ '^[A-Za-z0-9_.-]{1,64}$'),
      provider_kind   text not null check (provider_kind in ('municipal', 'private')),
      area            text not null default '' check (area ~ '^[A-Za-z0-9_.-]{0,64}$'),
      unit            text not null check (unit in ('per_hour', 'per_visit', 'per_month')),
      rate            numeric(14, 4) not null check (rate >= 0),
      foreign key (municipality_id, price_list_id) references price_lists(municipality_id, id) on delete cascade,
      unique (price_list_id, price_group, time_band, provider_kind, area)
    )`);
  await knex.raw(`
    create function price_rates_frozen() returns trigger language plpgsql as $$
    declare
      list_id integer := coalesce(new.price_list_id, old.price_list_id);
    begin
      if exists (select 1 from price_lists where id = list_id and used_at is not null) then
        raise exception 'price list % has been used by a settlement and cannot be changed', list_id
          using errcode = 'P0001', hint = 'add a new price list version instead';
      end if;
      return coalesce(new, old);
    end $$`);
  await knex.raw(`
    create trigger price_rates_frozen before insert or update or delete on price_rates
      for each row execute function price_rates_frozen()`);
  await knex.raw(`
    create function price_lists_frozen() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if old.used_at is not null then
          raise exception 'price list % has been used by a settlement and cannot be deleted', old.id using errcode = 'P0001';
        end if;
        return old;
      end if;
      if old.used_at is not null and (
           new.valid_from is distinct from old.valid_from
        or new.label is distinct from old.label
        or new.municipality_id is distinct from old.municipality_id
        or (old.valid_to is not null and new.valid_to is distinct from old.valid_to)) then
        raise exception 'price list % has been used by a settlement; only an open end date may be set', old.id
          using errcode = 'P0001', hint = 'add a new price list version instead';
      end if;
      return new;
    end $$`);
  await knex.raw(`
    create trigger price_lists_frozen before update or delete on price_lists
      for each row execute function price_lists_frozen()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table price_rates');
  await knex.raw('drop table price_lists');
  await knex.raw('drop function price_rates_frozen()');
  await knex.raw('drop function price_lists_frozen()');
}
