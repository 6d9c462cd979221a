import type { Knex } from 'knex';

/**
 * Monthly settlements per provider. A regular settlement (sequence 0) is draft → approved →
 * invoiced; an approved one is never changed (trigger). Later changes to its inputs produce
 * corrections (sequence 1, 2, …): documents of their own holding the difference against what was
 * approved before. Lines, VAT groups and exceptions belong to one settlement and are written in the
 * same transaction.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table period_locks (
      municipality_id integer not null references municipalities(id),
      period_start    date not null check (extract(day from period_start) = 1),
      locked_at       timestamptz not null default now(),
      locked_by       text not null,
      primary key (municipality_id, period_start)
    )`);
  await knex.raw(`
    create table settlements (
      id              serial primary key,
      municipality_id integer not null,
      provider_id     integer not null,
      period_start    date not null check (extract(day from period_start) = 1),
      period_end      date not null check (period_end > period_start),
      kind            text not null check (kind in ('regular', 'correction')),
      sequence        integer not null check (sequence >= 0),
      corrects_id     integer,
      status          text not null check (status in ('draft', 'approved', 'invoiced')),
      model_id        integer not null,
      price_list_id   integer not null,
      fingerprint     char(64) not null,
      currency        char(3) not null,
      total_excl_vat  numeric(14, 2) not null,
      vat             numeric(14, 2) not null,
      total_incl_vat  numeric(14, 2) not null,
      line_count      integer not null,
      exception_count integer not null,
      computed_at     timestamptz not null default now(),
      computed_by     text not null,
      approved_at     timestamptz,
      approved_by     text,
      invoiced_at     timestamptz,
      unique (municipality_id, id),
      unique (municipality_id, provider_id, period_start, sequence),
      check ((kind = 'regular') = (sequence = 0)),
      check ((kind = 'correction') = (corrects_id is not null)),
      check ((status = 'draft') = (approved_at is null)),
      foreign key (municipality_id, provider_id) references providers(municipality_id, id),
      foreign key (municipality_id, model_id) references reimbursement_models(municipality_id, id),
      foreign key (municipality_id, price_list_id) references price_lists(municipality_id, id),
      foreign key (municipality_id, corrects_id) references settlements(municipality_id, id)
    )`);
  await knex.raw(`
    create table settlement_lines (
      id              bigserial primary key,
      municipality_id integer not null,
      settlement_id   integer not null,
      line_no         integer not null,
      citizen_id      integer not null,
      citizen_ref     text not null,
      service_code    text not null,
      category        text not null,
      kind            text not null,
      band            text,
      unit            text not null check (unit in ('per_hour', 'per_visit', 'per_month')),
      visits          integer not null,
      minutes         integer not null,
      quantity        numeric(18, 6) not null,
      rate            numeric(14, 4) not null,
      factor          numeric(12, 6) not null,
      amount          numeric(14, 2) not null,
      vat_percent     numeric(5, 2) not null,
      reason_codes    text[] not null,
      foreign key (municipality_id, settlement_id) references settlements(municipality_id, id) on delete cascade,
      unique (settlement_id, line_no)
    )`);
  await knex.raw(`
    create table settlement_vat (
      municipality_id  integer not null,
      settlement_id    integer not null,
      percent          numeric(5, 2) not null,
      exemption_reason text,
      base             numeric(14, 2) not null,
      vat              numeric(14, 2) not null,
      foreign key (municipality_id, settlement_id) references settlements(municipality_id, id) on delete cascade,
      primary key (settlement_id, percent)
    )`);
  await knex.raw(`
    create table settlement_exceptions (
      id              bigserial primary key,
      municipality_id integer not null,
      settlement_id   integer not null,
      kind            text not null,
      subject_key     text not null,
      citizen_id      integer not null,
      citizen_ref     text not null,
      service_code    text not null,
      category        text,
      date            date not null,
      visit_id        bigint,
      external_id     text,
      grant_id        integer,
      minutes         integer not null,
      amount          numeric(14, 2) not null,
      message         text not null,
      reason_codes    text[] not null,
      foreign key (municipality_id, settlement_id) references settlements(municipality_id, id) on delete cascade,
      unique (settlement_id, kind, subject_key)
    )`);
  // Finance's decisions on exceptions outlive recomputed drafts: keyed by what the exception is about.
  await knex.raw(`
    create table exception_decisions (
      municipality_id integer not null,
      provider_id     integer not null,
      period_start    date not null,
      kind            text not null,
      subject_key     text not null,
      decision        text not null check (decision in ('accepted', 'rejected')),
      note            text check (length(note) <= 1000),
      decided_by      text not null,
      decided_at      timestamptz not null default now(),
      foreign key (municipality_id, provider_id) references providers(municipality_id, id),
      primary key (municipality_id, provider_id, period_start, kind, subject_key)
    )`);
  await knex.raw(`
    create function settlements_frozen() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if old.status <> 'draft' then
          raise exception 'settlement % is %; it can no longer be removed', old.id, old.status using errcode = 'P0001';
        end if;
        return old;
      end if;
      if old.status <> 'draft' and (
           new.total_excl_vat is distinct from old.total_excl_vat or new.vat is distinct from old.vat
        or new.fingerprint is distinct from old.fingerprint or new.model_id is distinct from old.model_id
        or new.price_list_id is distinct from old.price_list_id or new.period_start is distinct from old.period_start
        or new.provider_id is distinct from old.provider_id
        or (old.status = 'invoiced' and new.status <> 'invoiced')
        or (old.status = 'approved' and new.status not in ('approved', 'invoiced'))) then
        raise exception 'settlement % is % and cannot be changed', old.id, old.status
          using errcode = 'P0001', hint = 'a change to its inputs produces a correction';
      end if;
      return new;
    end $$`);
  await knex.raw(`
    create trigger settlements_frozen before update or delete on settlements
      for each row execute function settlements_frozen()`);
  // Lines, VAT and exceptions of an approved settlement are as frozen as the settlement itself.
  // Checked once per statement (transition tables), so writing 100 k lines costs one lookup.
  await knex.raw(`
    create function settlement_children_frozen() returns trigger language plpgsql as $$
    declare
      sid integer;
    begin
      select s.id into sid from settlements s
       where s.status <> 'draft' and s.id in (select settlement_id from changed_rows) limit 1;
      if sid is not null then
        raise exception 'settlement % is approved; its lines cannot change', sid using errcode = 'P0001';
      end if;
      return null;
    end $$`);
  for (const table of ['settlement_lines', 'settlement_vat', 'settlement_exceptions']) {
    for (const [event, which] of [
      ['insert', 'new'],
      ['update', 'old'],
      ['delete', 'old'],
    ] as const) {
      await knex.raw(`create trigger ${table}_frozen_${event} after ${event} on ${table}
                      referencing ${which} table as changed_rows
                      for each statement execute function settlement_children_frozen()`);
    }
  }
  await knex.raw('create index settlement_lines_settlement on settlement_lines (municipality_id, settlement_id)');
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['exception_decisions', 'settlement_exceptions', 'settlement_vat', 'settlement_lines', 'settlements', 'period_locks']) {
    await knex.raw(`drop table ${t}`);
  }
  await knex.raw('drop function settlement_children_frozen()');
  await knex.raw('drop function settlements_frozen()');
}
