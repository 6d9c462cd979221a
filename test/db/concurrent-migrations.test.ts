import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createKnex } from '../../src/db/database.js';
import { migrateLatest } from '../../src/db/migrate.js';

const migrationNames = () =>
  readdirSync(new URL('../../migrations/', import.meta.url))
    .filter((f) => /^\d+_.+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();

/**
 * Instances that start at the same time each migrate before they listen. On an empty database both
 * used to create knex's bookkeeping tables and one of them failed to start.
 */
describe('migrations run by instances starting together', () => {
  const admin = createKnex(inject('pgMaintenanceUrl'), { min: 0, max: 1 });
  const name = `carepay_t_race_${randomBytes(4).toString('hex')}`;
  const url = new URL(inject('pgMaintenanceUrl'));
  url.pathname = `/${name}`;
  const pools: Knex[] = [];

  beforeAll(async () => {
    await admin.raw('create database ??', [name]);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    await admin.raw('drop database if exists ?? with (force)', [name]);
    await admin.destroy();
  });

  it('bring an empty database up once, with every instance starting', async () => {
    // Three instances, one with a pool of a single connection (as the test global setup has).
    const instances = [createKnex(url.toString()), createKnex(url.toString()), createKnex(url.toString(), { min: 0, max: 1 })];
    pools.push(...instances);
    const applied = await Promise.all(instances.map((db) => migrateLatest(db)));

    const names = migrationNames();
    expect(applied.map((a) => a.length).sort((x, y) => x - y)).toEqual([0, 0, names.length]);
    const db = instances[0]!;
    expect(await db('knex_migrations').orderBy('id').pluck('name')).toEqual(names);
    expect((await db('knex_migrations_lock').first()).is_locked).toBe(0);
    const held = await db.raw(
      `select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
    );
    expect(held.rows[0].n).toBe(0);
  });
});
