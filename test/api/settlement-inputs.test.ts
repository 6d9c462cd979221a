import { beforeAll, describe, expect, it } from 'vitest';
import { toEpochMinute } from '../../src/features/reimbursement/calendar/time-bands.js';
import {
  loadMunicipality,
  loadProviderInputs,
  loadProviders,
  loadRunBasis,
  ModelCache,
} from '../../src/features/settlements/settlement-inputs.js';
import { parsePeriod } from '../../src/features/settlements/settlement-period.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSettlementWorld } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

/**
 * The loader hands the engine each instant as whole epoch minutes computed by PostgreSQL; they must
 * be the minutes the engine reads from the same instant in ISO text (seconds and fractions dropped,
 * whatever the offset, on the night the clocks go forward too).
 */
describe('settlement inputs: instants as whole epoch minutes', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof aSettlementWorld>>;
  const planned = [
    ['2026-03-02T07:59:59.999+01:00', '2026-03-02T08:30:00.001+01:00'],
    ['2026-03-29T01:59:30+01:00', '2026-03-29T03:00:30+02:00'], // across the spring-forward hour
    ['2026-03-31T20:30:59Z', '2026-03-31T21:10:00Z'],
  ] as const;

  /** What the settlement loads for provider CARE in March 2026. */
  const marchInputs = async () => {
    const mi = await loadMunicipality(t.db, w.municipalityId);
    const basis = await loadRunBasis(t.db, mi, parsePeriod('2026-03'));
    const [provider] = await loadProviders(t.db, w.municipalityId, [w.providers.p]);
    const model = await new ModelCache(t.db, w.municipalityId).get(w.modelId);
    return (await loadProviderInputs(t.db, basis, provider!, model)).input;
  };

  beforeAll(async () => {
    app = buildTestApp(t.db);
    w = await aSettlementWorld(app.services, 'INP');
    const c = await w.citizen('C1');
    await w.choose(c, w.providers.p);
    let n = 0;
    for (const [start, end] of planned) {
      await w.visit(w.providers.p, c, 'PC', '2026-03-10 10:00', '2026-03-10 10:30', {
        externalId: `INP-S${++n}`,
        plannedStart: start,
        plannedEnd: end,
        actualStart: start,
        actualEnd: end,
      });
    }
    await w.visit(w.providers.p, c, 'PC', '2026-03-12 10:00', '2026-03-12 10:30', {
      externalId: 'INP-C1',
      status: 'cancelled_by_citizen',
      actualStart: null,
      actualEnd: null,
      cancelledAt: '2026-03-11T17:45:59.5+01:00',
    });
  });

  it('are the minutes the engine reads from the ISO text of the same instants', async () => {
    const input = await marchInputs();
    const byId = new Map(input.visits.map((v) => [v.externalId, v]));
    planned.forEach(([start, end], i) => {
      const v = byId.get(`INP-S${i + 1}`)!;
      expect([v.plannedStart, v.plannedEnd, v.actualStart, v.actualEnd]).toEqual([
        toEpochMinute(start),
        toEpochMinute(end),
        toEpochMinute(start),
        toEpochMinute(end),
      ]);
      expect(v.cancelledAt).toBeNull();
    });
    const cancelled = byId.get('INP-C1')!;
    expect(cancelled.actualStart).toBeNull();
    expect(cancelled.cancelledAt).toBe(toEpochMinute('2026-03-11T17:45:59.5+01:00'));
    expect(cancelled.cancelledAt).toBe(Date.parse('2026-03-11T16:45:00Z') / 60_000);
  });

  it('reads every row of a long stream exactly, whatever the text of the external ids', async () => {
    // About 3,000 rows (several COPY chunks) with escapes and multi-byte characters in the ids, so
    // rows and characters are cut at chunk boundaries somewhere, and more distinct areas than the
    // loader compares by their bytes.
    const c = await w.citizen('C-LONG');
    await t.db.raw(
      `insert into visits (municipality_id, source_system, external_id, provider_id, citizen_id, service_codes, actual_start, actual_end, status, area)
       select ?, 'phoniro', 'LÅNG-ø-' || i || case when i % 7 = 0 then '-back\\slash' || chr(9) || 'tab' when i % 11 = 0 then '-line' || chr(10) || 'break' else '-✓' end,
              ?, ?, case when i % 3 = 0 then '{PH}' else '{PC}' end::text[],
              timestamptz '2026-03-15 06:00+00' + i * interval '17 seconds', timestamptz '2026-03-15 06:30+00' + i * interval '17 seconds', 'delivered',
              case when i % 9 = 0 then null else 'zone-' || (i % 8) end
         from generate_series(1, 3000) i`,
      [w.municipalityId, w.providers.p, c],
    );
    const input = await marchInputs();
    const stored = await t
      .db('visits')
      .where({ citizen_id: c })
      .select('id', 'external_id', 'actual_start', 'service_codes', 'status', 'area');
    const loaded = input.visits.filter((v) => v.citizenId === c);
    expect(loaded).toHaveLength(3000);
    const byId = new Map(loaded.map((v) => [Number(v.id), v]));
    for (const r of stored) {
      const v = byId.get(Number(r.id))!;
      expect([v.externalId, v.actualStart, v.serviceCodes, v.status, v.area]).toEqual([
        r.external_id,
        toEpochMinute(r.actual_start as Date),
        r.service_codes,
        r.status,
        r.area,
      ]);
    }
    expect(loaded.filter((v) => v.externalId.endsWith('-back\\slash\ttab'))).toHaveLength(428);
    expect(loaded.filter((v) => v.externalId.endsWith('-line\nbreak'))).toHaveLength(234);
  });
});
