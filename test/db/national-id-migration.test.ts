import { describe, expect, it } from 'vitest';
import { down, up } from '../../migrations/20260112000002_national_id_minimal.js';
import { up as scrubBirthDates } from '../../migrations/20260112000003_national_id_birth_dates_removed.js';
import { nationalIdHmac } from '../../src/features/citizens/national-id.js';
import { aMunicipality, aToken, buildTestApp } from '../helpers/app.js';
import { ids } from '../helpers/citizen-builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

describe('migration 20260112000002: the stored masked form loses the birth date; hashes get key 1', () => {
  it('rewrites rows stored the old way, and they are still found by national id', async () => {
    const app = buildTestApp(t.db);
    const dk = await aMunicipality(app.services, 'MIG');
    const se = await aMunicipality(app.services, 'MIG-SE', 'SE');
    const key1 = app.services.config.idKeys[0]!.secret;
    await down(t.db);
    // As the previous version wrote them: the birth-date part kept, the hash under the one key.
    await t.db('citizens').insert([
      { municipality_id: dk, ref: 'DK-1', national_id_hmac: nationalIdHmac(key1, '0101508527'), national_id_masked: '010150-****' },
      { municipality_id: se, ref: 'SE-1', national_id_hmac: nationalIdHmac(key1, '195001011237'), national_id_masked: '19500101-****' },
      { municipality_id: dk, ref: 'NONE' },
    ]);
    await up(t.db);

    const rows = await t.db('citizens').orderBy('ref').select('ref', 'national_id_masked', 'national_id_key');
    expect(rows).toEqual([
      { ref: 'DK-1', national_id_masked: '******-****', national_id_key: 1 },
      { ref: 'NONE', national_id_masked: null, national_id_key: null },
      { ref: 'SE-1', national_id_masked: '********-****', national_id_key: 1 },
    ]);
    const found = await app
      .as(await aToken(app.services, dk, 'admin'))
      .post('/api/citizens/search')
      .send({ nationalId: '010150-8527' })
      .expect(200);
    expect(found.body.items.map((c: { ref: string; nationalIdMasked: string }) => [c.ref, c.nationalIdMasked])).toEqual([
      ['DK-1', '******-****'],
    ]);
    const swedish = await app
      .as(await aToken(app.services, se, 'admin'))
      .post('/api/citizens/search')
      .send({ nationalId: '500101-1237' })
      .expect(200);
    expect(ids(swedish.body)).toHaveLength(1);

    // A masked form with digits, or a hash without its key, can no longer be written.
    await expect(t.db('citizens').insert({ municipality_id: dk, ref: 'BAD-1', national_id_masked: '010150-****' })).rejects.toThrow(
      /citizens_national_id_masked/,
    );
    await expect(t.db('citizens').insert({ municipality_id: dk, ref: 'BAD-2', national_id_hmac: 'ab' })).rejects.toThrow(
      /citizens_national_id_key/,
    );
  });

  it('20260112000003 removes the birth dates that masked ids left in the audit log and in stored import rejections, and nothing else', async () => {
    const app = buildTestApp(t.db);
    const m = await aMunicipality(app.services, 'SCRUB');
    await t.db('audit_log').insert([
      {
        municipality_id: m,
        actor: 'old',
        action: 'create',
        entity: 'citizen',
        entity_id: '1',
        changes: JSON.stringify({ after: { ref: 'C-1', nationalIdMasked: '010150-****' } }),
      },
      {
        municipality_id: m,
        actor: 'old',
        action: 'update',
        entity: 'citizen',
        entity_id: '2',
        changes: JSON.stringify({ before: { nationalIdMasked: '19500101-****' }, after: { nationalIdMasked: null } }),
      },
      {
        municipality_id: m,
        actor: 'old',
        action: 'create',
        entity: 'visit',
        entity_id: '3',
        changes: JSON.stringify({ note: 'period 2026-04, 123456 minutes' }),
      },
    ]);
    const [batch] = await t
      .db('import_batches')
      .insert({
        municipality_id: m,
        kind: 'visits',
        format: 'csv',
        source_system: 'old',
        actor: 'old',
        rejections: JSON.stringify([{ row: 5, field: 'citizen_ref', message: 'must be 1–64 letters, got "500101-****"' }]),
      })
      .returning('id');

    await scrubBirthDates(t.db);

    const audit = await t.db('audit_log').where({ municipality_id: m, actor: 'old' }).orderBy('id').select('changes');
    expect(audit.map((a) => a.changes)).toEqual([
      { after: { ref: 'C-1', nationalIdMasked: '******-****' } },
      { before: { nationalIdMasked: '********-****' }, after: { nationalIdMasked: null } },
      { note: 'period 2026-04, 123456 minutes' },
    ]);
    expect((await t.db('import_batches').where({ id: batch.id }).first()).rejections).toEqual([
      { row: 5, field: 'citizen_ref', message: 'must be 1–64 letters, got "******-****"' },
    ]);
    // The log is append-only again.
    await expect(t.db('audit_log').where({ municipality_id: m }).update({ actor: 'x' })).rejects.toThrow(/append-only/);
  });
});
