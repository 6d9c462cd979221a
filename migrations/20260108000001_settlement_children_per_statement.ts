import type { Knex } from 'knex';

/**
 * The lines, VAT groups and exceptions of a settlement (decision 0010). A settlement run writes
 * about 1,400 lines per provider and month, a large city about 140,000; the row-level foreign key
 * to `settlements` cost one lookup and one row lock per line, about as much as the rest of the
 * line insert. The same rule is now checked once per statement against the transition table (as
 * for visits, decision 0008): every (municipality, settlement) pair of the statement must exist,
 * and those settlements are locked FOR KEY SHARE, as the foreign key locked them, so a concurrent
 * delete of the settlement waits and the check cannot be overtaken. The cascade on delete becomes a
 * trigger on `settlements`. The index on (municipality_id, settlement_id) of the lines duplicated
 * the unique (settlement_id, line_no) one and is dropped.
 *
 * The frozen rule (no line of an approved settlement changes) is checked in the same function.
 */
const CHILDREN = ['settlement_lines', 'settlement_vat', 'settlement_exceptions'] as const;

export async function up(knex: Knex): Promise<void> {
  for (const table of CHILDREN) {
    await knex.raw(`alter table ${table} drop constraint ${table}_municipality_id_settlement_id_fkey`);
  }
  await knex.raw('drop index settlement_lines_settlement');

  await knex.raw(`
    create function settlement_children_guard() returns trigger language plpgsql as $$
    declare
      mid integer;
      sid integer;
    begin
      -- Lock what the rows refer to (as a foreign key would), then check that all of it exists.
      perform 1 from settlements s
        join (select distinct municipality_id, settlement_id from new_rows) n
          on s.municipality_id = n.municipality_id and s.id = n.settlement_id
        for key share of s;
      select n.municipality_id, n.settlement_id into mid, sid
        from (select distinct municipality_id, settlement_id from new_rows) n
       where not exists (select 1 from settlements s where s.municipality_id = n.municipality_id and s.id = n.settlement_id)
       limit 1;
      if found then
        raise exception 'insert or update on table "%" violates the reference %_settlement_ref', tg_table_name, tg_table_name
          using errcode = 'foreign_key_violation', constraint = tg_table_name || '_settlement_ref',
                detail = format('Key (municipality_id, settlement_id)=(%s, %s) is not present in table "settlements".', mid, sid);
      end if;
      if tg_op = 'UPDATE' then
        select s.id into sid from settlements s
         where s.status <> 'draft' and s.id in (select settlement_id from old_rows union select settlement_id from new_rows) limit 1;
      else
        select s.id into sid from settlements s where s.status <> 'draft' and s.id in (select settlement_id from new_rows) limit 1;
      end if;
      if sid is not null then
        raise exception 'settlement % is approved; its lines cannot change', sid using errcode = 'P0001';
      end if;
      return null;
    end $$`);
  await knex.raw(`
    create function settlement_children_cascade() returns trigger language plpgsql as $$
    begin
      delete from settlement_lines where municipality_id = old.municipality_id and settlement_id = old.id;
      delete from settlement_vat where municipality_id = old.municipality_id and settlement_id = old.id;
      delete from settlement_exceptions where municipality_id = old.municipality_id and settlement_id = old.id;
      return null;
    end $$`);
  await knex.raw(`create trigger settlements_children_cascade after delete on settlements
                  for each row execute function settlement_children_cascade()`);
  for (const table of CHILDREN) {
    await knex.raw(`drop trigger ${table}_frozen_insert on ${table}`);
    await knex.raw(`drop trigger ${table}_frozen_update on ${table}`);
    await knex.raw(`create trigger ${table}_guard_insert after insert on ${table}
                    referencing new table as new_rows
                    for each statement execute function settlement_children_guard()`);
    await knex.raw(`create trigger ${table}_guard_update after update on ${table}
                    referencing old table as old_rows new table as new_rows
                    for each statement execute function settlement_children_guard()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of CHILDREN) {
    await knex.raw(`drop trigger ${table}_guard_insert on ${table}`);
    await knex.raw(`drop trigger ${table}_guard_update on ${table}`);
    for (const [event, which] of [
      ['insert', 'new'],
      ['update', 'old'],
    ] as const) {
      await knex.raw(`create trigger ${table}_frozen_${event} after ${event} on ${table}
                      referencing ${which} table as changed_rows
                      for each statement execute function settlement_children_frozen()`);
    }
  }
  await knex.raw('drop trigger settlements_children_cascade on settlements');
  await knex.raw('drop function settlement_children_cascade()');
  await knex.raw('drop function settlement_children_guard()');
  await knex.raw('create index settlement_lines_settlement on settlement_lines (municipality_id, settlement_id)');
  for (const table of CHILDREN) {
    await knex.raw(
      `alter table ${table} add foreign key (municipality_id, settlement_id) references settlements(municipality_id, id) on delete cascade`,
    );
  }
}
