import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

/**
 * The constraints of the public schema that Citus could not keep if the tables were distributed by
 * municipality_id: a primary key or unique constraint without it, a foreign key without it on both
 * sides in the same place (unless it points at `municipalities`, which becomes a reference table).
 */
async function breaches(db: Knex, tables = '%'): Promise<string[]> {
  const { rows } = await db.raw(
    `with c as (
       select con.conname, con.contype, con.conrelid::regclass::text as tbl, con.confrelid::regclass::text as ref,
              array(select a.attname::text from unnest(con.conkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.o) as cols,
              array(select a.attname::text from unnest(con.confkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n order by k.o) as refcols
       from pg_constraint con
       join pg_class r on r.oid = con.conrelid
       where r.relnamespace = 'public'::regnamespace and con.contype in ('p', 'u', 'f')
         and r.relname <> 'municipalities' and r.relname not like 'knex\\_%' and r.relname like ?
     )
     select conname, contype, tbl, cols, ref, refcols from c
     where not ('municipality_id' = any (cols))
        or (contype = 'f' and ref <> 'municipalities'
            and array_position(cols, 'municipality_id') is distinct from array_position(refcols, 'municipality_id'))
     order by tbl, conname`,
    [tables],
  );
  return rows.map((r: { conname: string; contype: string; tbl: string; cols: string[]; ref: string; refcols: string[] }) =>
    r.contype === 'f'
      ? `${r.conname}: ${r.tbl} (${r.cols.join(', ')}) -> ${r.ref} (${r.refcols.join(', ')})`
      : `${r.conname}: ${r.tbl} (${r.cols.join(', ')})`,
  );
}

/** The path beyond one PostgreSQL is Citus, distributed by municipality (DOMAIN.md §9). */
describe('a schema Citus can distribute by municipality_id', () => {
  it('has municipality_id in every primary key, unique constraint and foreign key', async () => {
    expect(await breaches(t.db)).toEqual([]);
  });

  it('has municipality_id in every unique index, also those on expressions that are no constraint', async () => {
    const { rows } = await t.db.raw(
      `select i.indexrelid::regclass::text as index from pg_index i join pg_class c on c.oid = i.indrelid
       where c.relnamespace = 'public'::regnamespace and i.indisunique and c.relname <> 'municipalities' and c.relname not like 'knex\\_%'
         and not exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'municipality_id' and a.attnum = any (i.indkey))
       order by 1`,
    );
    expect(rows).toEqual([]);
  });

  it('gives every table a key: a primary key, or (settlement_vat, whose key is on an expression) a unique index', async () => {
    const { rows } = await t.db.raw(
      `select c.relname from pg_class c
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and c.relname not like 'knex\\_%'
         and not exists (select 1 from pg_index i where i.indrelid = c.oid and (i.indisprimary or i.indisunique))
       order by 1`,
    );
    expect(rows).toEqual([]);
  });

  it('finds a key without municipality_id and a foreign key that carries it on one side only', async () => {
    const tx = await t.db.transaction();
    try {
      await tx.raw(
        'create table probe_parent (municipality_id int not null, id int not null, primary key (municipality_id, id), unique (id))',
      );
      await tx.raw(
        'create table probe_child (municipality_id int not null, id int, parent_id int, primary key (municipality_id, id), foreign key (municipality_id, parent_id) references probe_parent (id, municipality_id))',
      );
      await tx.raw(
        'create table probe_lone (municipality_id int not null, id int primary key, parent_id int references probe_parent (id))',
      );
      expect(await breaches(tx, 'probe\\_%')).toEqual([
        'probe_child_municipality_id_parent_id_fkey: probe_child (municipality_id, parent_id) -> probe_parent (id, municipality_id)',
        'probe_lone_parent_id_fkey: probe_lone (parent_id) -> probe_parent (id)',
        'probe_lone_pkey: probe_lone (id)',
        'probe_parent_id_key: probe_parent (id)',
      ]);
    } finally {
      await tx.rollback();
    }
  });
});
