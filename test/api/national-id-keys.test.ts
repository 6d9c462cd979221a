import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aCitizen, ids } from '../helpers/citizen-builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

const CPR = '010150-8527';
const OTHER = '020250-1111';

describe('national-id keys: a key id per hash, rotation to a new key (issue 20, defect 9)', () => {
  let before: TestApp;
  let rotated: TestApp;
  let admin: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    before = buildTestApp(t.db);
    // The deployment adds key 2 beside the key it had (key 1).
    env = { CAREPAY_ID_KEYS: `1:${before.services.config.idKeys[0]!.secret},2:${'n'.repeat(40)}` };
    rotated = buildTestApp(t.db, env);
    const m = await aMunicipality(before.services, 'KEYS');
    admin = await aToken(before.services, m, 'admin');
  });
  afterEach(() => vi.restoreAllMocks());

  it('finds a citizen stored under the old key after a new key is added, refuses the same id twice, and stores new ids under the new key', async () => {
    const old = (
      await before
        .as(admin)
        .post('/api/citizens')
        .send(aCitizen({ ref: 'OLD', nationalId: CPR }))
        .expect(201)
    ).body.id;
    expect(ids((await rotated.as(admin).post('/api/citizens/search').send({ nationalId: CPR }).expect(200)).body)).toEqual([old]);
    await rotated
      .as(admin)
      .post('/api/citizens')
      .send(aCitizen({ ref: 'TWIN', nationalId: CPR }))
      .expect(409);

    const fresh = (
      await rotated
        .as(admin)
        .post('/api/citizens')
        .send(aCitizen({ ref: 'NEW', nationalId: OTHER }))
        .expect(201)
    ).body.id;
    const keysOf = async () =>
      Object.fromEntries(
        (await t.db('citizens').whereIn('id', [old, fresh]).select('ref', 'national_id_key')).map((r) => [r.ref, r.national_id_key]),
      );
    expect(await keysOf()).toEqual({ OLD: 1, NEW: 2 });

    expect(await rotated.services.citizens.rotateIdKeys('test')).toEqual(
      expect.arrayContaining([{ municipalityCode: 'KEYS', rotated: 1, toKeyId: 2 }]),
    );
    expect(await keysOf()).toEqual({ OLD: 2, NEW: 2 });
    // After rotation the database with key 1 alone finds nothing; with both keys everything is found.
    expect((await before.as(admin).post('/api/citizens/search').send({ nationalId: CPR }).expect(200)).body.total).toBe(0);
    expect(ids((await rotated.as(admin).post('/api/citizens/search').send({ nationalId: CPR }).expect(200)).body)).toEqual([old]);
    expect(ids((await rotated.as(admin).post('/api/citizens/search').send({ nationalId: OTHER }).expect(200)).body)).toEqual([fresh]);
    await rotated
      .as(admin)
      .post('/api/citizens')
      .send(aCitizen({ ref: 'TWIN', nationalId: CPR }))
      .expect(409);

    // Again: nothing left to move. The audit log says who rotated what.
    expect((await rotated.services.citizens.rotateIdKeys('test')).find((r) => r.municipalityCode === 'KEYS')).toEqual({
      municipalityCode: 'KEYS',
      rotated: 0,
      toKeyId: 2,
    });
    const audit = await t.db('audit_log').where({ action: 'rotate_id_key' }).select('actor', 'changes');
    expect(audit).toEqual([{ actor: 'test', changes: { from: { 1: 1 }, toKeyId: 2 } }]);
  });

  it('refuses to rotate with fewer keys than the rows were made under, and changes nothing', async () => {
    const stored = await t.db('citizens').whereNotNull('national_id_key').orderBy('id').select('id', 'national_id_hmac', 'national_id_key');
    await expect(before.services.citizens.rotateIdKeys('test')).rejects.toThrow('stored under key 2, but the newest key configured is 1');
    expect(
      await t.db('citizens').whereNotNull('national_id_key').orderBy('id').select('id', 'national_id_hmac', 'national_id_key'),
    ).toEqual(stored);
  });

  it('reports and rotates from the command line', async () => {
    const m2 = await aMunicipality(before.services, 'KEYS-CLI');
    const token = await aToken(before.services, m2, 'admin');
    await before
      .as(token)
      .post('/api/citizens')
      .send(aCitizen({ ref: 'CLI', nationalId: CPR }))
      .expect(201);
    const saved = { ...process.env };
    Object.assign(process.env, { DATABASE_URL: t.url, ...env });
    const logged: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((l: string) => void logged.push(l));
    try {
      // Across municipalities: English unless --lang asks for another language.
      expect(await runCli(['node', 'carepay', 'national-ids', 'status'])).toBe(0);
      expect(logged).toEqual([
        'current key: 2 (from environment)',
        'KEYS: 2 citizens under key 2',
        'KEYS-CLI: 1 citizen under key 1 (rotate)',
      ]);
      logged.length = 0;
      expect(await runCli(['node', 'carepay', '--lang', 'da', 'national-ids', 'status'])).toBe(0);
      expect(logged).toEqual([
        'aktuel nøgle: 2 (fra miljøvariabel)',
        'KEYS: 2 borgere under nøgle 2',
        'KEYS-CLI: 1 borger under nøgle 1 (skift nøgle)',
      ]);
      logged.length = 0;
      expect(await runCli(['node', 'carepay', '--lang', 'sv', 'national-ids', 'rotate'])).toBe(0);
      expect(logged).toEqual(['KEYS: 0 hashar flyttade till nyckel 2', 'KEYS-CLI: 1 hash flyttad till nyckel 2']);
    } finally {
      process.env = saved;
    }
    expect(await t.db('citizens').where({ municipality_id: m2 }).select('national_id_key')).toEqual([{ national_id_key: 2 }]);
  });
});
