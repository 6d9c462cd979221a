import { beforeAll, describe, expect, it } from 'vitest';
import { SettlementsService, type SettlementRunOptions } from '../../src/features/settlements/settlements-service.js';
import { AppError } from '../../src/shared/errors.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aBusyMarch, aSettlementWorld, asActor, exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

/** Every provider through worker threads, none in the calling thread. */
const WORKERS_ONLY: SettlementRunOptions = { workers: 2, parallelFromVisits: 0, inlineLane: false };
const INLINE: SettlementRunOptions = { workers: 0, parallelFromVisits: 0 };

/**
 * The same month, built the same way in two municipalities: four providers, each with two
 * citizens who have personal care (daily grant) and practical help (weekly grant), visits on
 * weekdays and at weekends, in and across bands, one visit without a grant per provider.
 */
async function aMonth(app: TestApp, code: string) {
  const w = await aSettlementWorld(app.services, code);
  const who = asActor(w.municipalityId, 'test:setup', 'admin');
  const providers: number[] = [w.providers.p, w.providers.q];
  for (const ref of ['P3', 'P4']) {
    providers.push(
      (await app.services.providers.create(who, { ref, name: ref, kind: 'private', vatStatus: 'registered', approvedFrom: '2020-01-01' }))
        .id,
    );
  }
  await aBusyMarch(w, providers);
  return { ...w, finance: asActor(w.municipalityId, 'test:finance') };
}

async function stored(municipalityId: number) {
  const settlements = await t
    .db('settlements as s')
    .join('providers as p', function () {
      this.on('p.id', 's.provider_id').andOn('p.municipality_id', 's.municipality_id');
    })
    .where('s.municipality_id', municipalityId)
    .orderBy('p.ref')
    .select('s.id', 'p.ref', 's.total_excl_vat', 's.vat', 's.total_incl_vat', 's.line_count', 's.exception_count');
  const out = [];
  for (const s of settlements) {
    const lines = await t
      .db('settlement_lines')
      .where({ settlement_id: s.id })
      .orderBy('line_no')
      .select('line_no', 'citizen_ref', 'service_code', 'kind', 'band', 'visits', 'minutes', 'quantity', 'rate', 'amount', 'reason_codes');
    const exceptions = await t
      .db('settlement_exceptions')
      .where({ settlement_id: s.id })
      .orderBy('subject_key')
      .select('kind', 'citizen_ref', 'minutes', 'amount');
    out.push({ ref: s.ref, totals: [s.total_excl_vat, s.vat, s.total_incl_vat, s.line_count, s.exception_count], lines, exceptions });
  }
  return out;
}

describe('settlement runs in worker threads (decision 0009)', () => {
  let app: TestApp;
  beforeAll(() => {
    app = buildTestApp(t.db);
  });

  it('write the same settlements, lines and exceptions as the calling thread, reported in provider order', async () => {
    const a = await aMonth(app, 'LANES-A');
    const b = await aMonth(app, 'LANES-B');
    const progress: string[] = [];
    const viaWorkers = await new SettlementsService(t.db, WORKERS_ONLY).run(a.finance, { period: '2026-03' }, (p) =>
      progress.push(`${p.done}/${p.total}`),
    );
    const inline = await new SettlementsService(t.db, INLINE).run(b.finance, { period: '2026-03' });

    expect(viaWorkers.outcomes.map((o) => [o.providerRef, o.outcome])).toEqual(inline.outcomes.map((o) => [o.providerRef, o.outcome]));
    expect(viaWorkers.outcomes.map((o) => o.providerRef)).toEqual(['CARE', 'HOME', 'P3', 'P4']);
    expect(progress).toEqual(['1/4', '2/4', '3/4', '4/4']);
    const [sa, sb] = [await stored(a.municipalityId), await stored(b.municipalityId)];
    expect(sa).toEqual(sb);
    expect(sa).toHaveLength(4);
    for (const s of sa) {
      expect(s.lines.length).toBeGreaterThan(1);
      expect(s.exceptions).toEqual([expect.objectContaining({ kind: 'visit_without_grant', minutes: 30 })]);
    }
    // What each run reported is what it stored.
    for (const o of viaWorkers.outcomes) {
      const s = sa.find((x) => x.ref === o.providerRef)!;
      expect([o.settlement!.totalExclVat, o.settlement!.vat, o.settlement!.totalInclVat]).toEqual(s.totals.slice(0, 3));
    }

    // A re-run through the workers finds the same inputs: every draft unchanged, same fingerprint.
    const again = await new SettlementsService(t.db, WORKERS_ONLY).run(a.finance, { period: '2026-03' });
    expect(again.outcomes.map((o) => o.outcome)).toEqual(Array(4).fill('unchanged'));
    expect(again.outcomes.map((o) => o.settlement!.fingerprint)).toEqual(viaWorkers.outcomes.map((o) => o.settlement!.fingerprint));
  }, 120_000); // each run starts worker threads, which load the TypeScript sources themselves

  it('fail the run with the worker’s own error (a 422 naming the provider), as the calling thread does', async () => {
    const w = await aSettlementWorld(app.services, 'LANES-F', { assign: false });
    const who = asActor(w.municipalityId, 'test:setup', 'admin');
    const doc = exampleModel('dk-granted-time') as { categories?: unknown };
    doc.categories = { practical_help: { basis: { type: 'per_visit', rateBand: 'visit' } } };
    const model = await app.services.models.create(who, { name: 'per-visit-ph', document: doc });
    await app.services.models.assign(who, model.id, { validFrom: '2026-01-01' });
    const c = await w.citizen('C1');
    await w.choose(c, w.providers.p, 'practical_help');
    await w.grant(c, 'PH', { frequency: { type: 'weekly' } });
    await w.visit(w.providers.p, c, 'PH', '2026-03-04 10:00', '2026-03-04 11:00');
    const err = await new SettlementsService(t.db, WORKERS_ONLY)
      .run(asActor(w.municipalityId, 'test:finance'), { period: '2026-03' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(422);
    expect((err as AppError).message).toBe(
      'provider CARE cannot be settled under model per-visit-ph@1: no per_visit rate for price group PH, band visit, private provider',
    );
    expect(await t.db('settlements').where({ municipality_id: w.municipalityId }).count({ n: '*' })).toEqual([{ n: 0 }]);
  }, 60_000);
});
