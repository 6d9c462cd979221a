import { describe, expect, it } from 'vitest';
import { down, up } from '../../migrations/20260122000001_provider_kinds.js';
import { buildTestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSmallMonth } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

const settled = (municipalityId: number) =>
  t.db.raw(
    `select s.provider_id, s.kind, s.sequence, s.status, s.total_excl_vat::text, s.vat::text, s.total_incl_vat::text, s.fingerprint,
            (select json_agg(json_build_array(l.citizen_id, l.service_code, l.kind, l.band, l.minutes, l.rate::text, l.amount::text, l.reason_codes)
                     order by l.line_no)
               from settlement_lines l where l.municipality_id = s.municipality_id and l.settlement_id = s.id) as lines
       from settlements s where s.municipality_id = ? order by s.provider_id, s.sequence`,
    [municipalityId],
  );

describe('migration 20260122000001: provider kinds become the municipality’s own list', () => {
  it('keeps every settled amount: approved settlements are untouched and a re-run finds no difference', async () => {
    const app = buildTestApp(t.db);
    const { w, c2 } = await aSmallMonth(app.services, 'KINDMIG');
    // The municipal provider HOME gets a citizen too, so both kinds have amounts.
    await w.choose(c2, w.providers.q, 'personal_care', '2026-03-10');
    await w.grant(c2, 'PC', { minutesPerOccurrence: 30 });
    await w.visit(w.providers.q, c2, 'PC', '2026-03-12 08:00', '2026-03-12 08:30');
    await w.visit(w.providers.q, c2, 'PC', '2026-03-14 19:00', '2026-03-14 19:30');
    const run = await app.services.settlements.run(w.who, { period: '2026-03' });
    for (const o of run.outcomes) await app.services.settlements.approve(w.who, o.settlement!.id, { confirmOpen: true });

    // The data as the previous version held it: kinds as a CHECK, no provider_kinds table.
    await down(t.db);
    expect((await t.db.raw(`select to_regclass('provider_kinds') as t`)).rows[0].t).toBeNull();
    const before = (await settled(w.municipalityId)).rows;
    expect(before.map((s: { provider_id: number; total_excl_vat: string }) => [s.provider_id, s.total_excl_vat])).toEqual([
      // CARE (private): C1 2 Mar 08:00 weekday_day 30 min × 450.00 / 60 = 225.00, 7 Mar (Saturday) other_times
      // 30 × 540.00 / 60 = 270.00; C2 4 Mar (chose CARE until 10 Mar, granted now) 30 × 450.00 / 60 = 225.00
      [w.providers.p, '720.00'],
      // HOME (municipal): 12 Mar weekday_day 30 × 450.00 / 60 = 225.00; 14 Mar (Saturday) 30 × 540.00 / 60 = 270.00
      [w.providers.q, '495.00'],
    ]);

    await up(t.db);
    const kinds = await t.db('provider_kinds').where({ municipality_id: w.municipalityId }).orderBy('code').select('code', 'in_house');
    expect(kinds).toEqual([
      { code: 'municipal', in_house: true },
      { code: 'private', in_house: false },
    ]);
    expect((await settled(w.municipalityId)).rows).toEqual(before);

    // A re-run of the approved month recomputes every line under the migrated schema: nothing differs.
    const again = await app.services.settlements.run(w.who, { period: '2026-03' });
    expect(again.outcomes.map((o) => [o.providerId, o.outcome])).toEqual([
      [w.providers.p, 'no_difference'],
      [w.providers.q, 'no_difference'],
    ]);
    expect((await settled(w.municipalityId)).rows).toEqual(before);
    // The internal statement of the in-house provider still follows its kind.
    const home = await t.db('providers').where({ id: w.providers.q }).first('kind');
    expect(home.kind).toBe('municipal');
  });

  it('refuses a kind outside the list once migrated, and a new municipality starts with the two kinds', async () => {
    const app = buildTestApp(t.db);
    const { w } = await aSmallMonth(app.services, 'KINDMIG2');
    await expect(
      t.db('providers').insert({
        municipality_id: w.municipalityId,
        ref: 'X',
        name: 'X',
        kind: 'entreprenad',
        vat_status: 'registered',
        approved_from: '2026-01-01',
      }),
    ).rejects.toThrow(/providers_kind_fkey/);
    const fresh = await app.services.municipalities.create('test', { code: 'NEWKINDS', country: 'SE', name: 'Ny kommun' });
    expect(await t.db('provider_kinds').where({ municipality_id: fresh.id }).orderBy('code').pluck('code')).toEqual([
      'municipal',
      'private',
    ]);
  });
});
