import type { Knex } from 'knex';

/**
 * Three repairs to the settlement tables (docs/settlements.md):
 *
 * 1. An approved or invoiced settlement is frozen in every column. The first trigger guarded the
 *    amounts, fingerprint, model, price list, period start and provider only; now nothing may
 *    change except the one step approved → invoiced (status, and invoiced_at set once).
 * 2. VAT groups are keyed by rate and exemption reason, as the document groups them: two 0 %
 *    categories with different reasons are two groups. Each line keeps its exemption reason, so a
 *    correction finds the group of an approved line without guessing it from the rate.
 * 3. `decisions_digest`: a sha256 of finance's exception decisions the settlement was computed
 *    with. Approval compares it with the decisions as they are then, instead of comparing
 *    timestamps, which a decision committed while a run was reading could slip between.
 */
const FROZEN_V1 = `
    create or replace function settlements_frozen() returns trigger language plpgsql as $$
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
    end $$`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function settlements_frozen() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if old.status <> 'draft' then
          raise exception 'settlement % is %; it can no longer be removed', old.id, old.status using errcode = 'P0001';
        end if;
        return old;
      end if;
      if old.status = 'draft' then
        return new;
      end if;
      if (to_jsonb(new) - 'status' - 'invoiced_at') is distinct from (to_jsonb(old) - 'status' - 'invoiced_at')
         or not ((new.status = old.status and new.invoiced_at is not distinct from old.invoiced_at)
                 or (old.status = 'approved' and new.status = 'invoiced' and old.invoiced_at is null and new.invoiced_at is not null)) then
        raise exception 'settlement % is % and cannot be changed', old.id, old.status
          using errcode = 'P0001', hint = 'a change to its inputs produces a correction';
      end if;
      return new;
    end $$`);

  await knex.raw('alter table settlements add column decisions_digest char(64)');

  await knex.raw('alter table settlement_lines add column exemption_reason text');
  // Until now a settlement had at most one VAT group per rate, so the rate finds the line's reason.
  // The lines of approved settlements are guarded against updates; this backfill is the exception.
  await knex.raw('alter table settlement_lines disable trigger settlement_lines_guard_update');
  await knex.raw(`
    update settlement_lines l set exemption_reason = v.exemption_reason
      from settlement_vat v
     where v.settlement_id = l.settlement_id and v.percent = l.vat_percent and v.exemption_reason is not null`);
  await knex.raw('alter table settlement_lines enable trigger settlement_lines_guard_update');

  await knex.raw('alter table settlement_vat drop constraint settlement_vat_pkey');
  await knex.raw(`create unique index settlement_vat_group on settlement_vat (settlement_id, percent, (coalesce(exemption_reason, '')))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index settlement_vat_group');
  await knex.raw('alter table settlement_vat add primary key (settlement_id, percent)');
  await knex.raw('alter table settlement_lines drop column exemption_reason');
  await knex.raw('alter table settlements drop column decisions_digest');
  await knex.raw(FROZEN_V1);
}
