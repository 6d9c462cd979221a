import type { Knex } from 'knex';

/**
 * Bulk imports of visits (decision 0008). A row-level foreign key costs one SPI lookup and one
 * row lock per inserted row: at a million new visits the three foreign keys of `visits` were more
 * than half of the import. They are replaced by the same rule checked once per statement against
 * the statement's transition table (one anti-join), and the referenced rows are made permanent:
 * providers, citizens and import batches can neither be deleted nor re-keyed, so a reference that
 * was valid when it was written stays valid.
 *
 * The two pattern checks with a bounded repetition (`{1,64}`) compiled into large automata and cost
 * more per row than all four indexes; the same rule is written as a pattern plus a length.
 */
const REFERENCES: ReadonlyArray<{ column: string; table: string; nullable: boolean }> = [
  { column: 'provider_id', table: 'providers', nullable: false },
  { column: 'citizen_id', table: 'citizens', nullable: false },
  { column: 'import_batch_id', table: 'import_batches', nullable: true },
];

export async function up(knex: Knex): Promise<void> {
  for (const r of REFERENCES) {
    await knex.raw(`alter table visits drop constraint visits_municipality_id_${r.column}_fkey`);
  }
  const checks = REFERENCES.map(
    (r) => `
      select n.municipality_id, n.${r.column} into mid, ref
        from (select distinct municipality_id, ${r.column} from new_rows${r.nullable ? ` where ${r.column} is not null` : ''}) n
       where not exists (select 1 from ${r.table} t where t.municipality_id = n.municipality_id and t.id = n.${r.column})
       limit 1;
      if found then
        raise exception 'insert or update on table "visits" violates the reference visits_${r.column}_ref'
          using errcode = 'foreign_key_violation', constraint = 'visits_${r.column}_ref',
                detail = format('Key (municipality_id, ${r.column})=(%s, %s) is not present in table "${r.table}".', mid, ref);
      end if;`,
  ).join('\n');
  await knex.raw(`
    create function visits_references_exist() returns trigger language plpgsql as $$
    declare
      mid integer;
      ref integer;
    begin
      ${checks}
      return null;
    end $$`);
  for (const event of ['insert', 'update']) {
    await knex.raw(`create trigger visits_references_${event} after ${event} on visits
                    referencing new table as new_rows
                    for each statement execute function visits_references_exist()`);
  }
  await knex.raw(`
    create function referenced_rows_permanent() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' or tg_op = 'TRUNCATE' then
        raise exception '% rows are permanent (visits refer to them); they cannot be deleted', tg_table_name
          using errcode = 'P0001', hint = 'end the record (valid_to, approved_to) instead';
      end if;
      if new.id is distinct from old.id or new.municipality_id is distinct from old.municipality_id then
        raise exception 'the key of a % row cannot change', tg_table_name using errcode = 'P0001';
      end if;
      return new;
    end $$`);
  for (const table of ['providers', 'citizens', 'import_batches']) {
    await knex.raw(`create trigger ${table}_permanent before delete or update of id, municipality_id on ${table}
                    for each row execute function referenced_rows_permanent()`);
    await knex.raw(`create trigger ${table}_not_truncated before truncate on ${table}
                    for each statement execute function referenced_rows_permanent()`);
  }

  for (const column of ['source_system', 'area']) {
    await knex.raw(`alter table visits drop constraint visits_${column}_check`);
    await knex.raw(`alter table visits add constraint visits_${column}_check
                    check (${column} ~ '^[A-Za-z0-9_.-]+$' and length(${column}) <= 64)`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const column of ['source_system', 'area']) {
    await knex.raw(`alter table visits drop constraint visits_${column}_check`);
    await knex.raw(`alter table visits add constraint visits_${column}_check check (${column} ~ '^[A-Za-z0-9_.-]{1,64}$')`);
  }
  for (const table of ['providers', 'citizens', 'import_batches']) {
    await knex.raw(`drop trigger ${table}_permanent on ${table}`);
    await knex.raw(`drop trigger ${table}_not_truncated on ${table}`);
  }
  await knex.raw('drop function referenced_rows_permanent()');
  for (const event of ['insert', 'update']) await knex.raw(`drop trigger visits_references_${event} on visits`);
  await knex.raw('drop function visits_references_exist()');
  for (const r of REFERENCES) {
    await knex.raw(`alter table visits add constraint visits_municipality_id_${r.column}_fkey
                    foreign key (municipality_id, ${r.column}) references ${r.table}(municipality_id, id)`);
  }
}
