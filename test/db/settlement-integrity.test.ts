import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSmallMonth, asActor, exampleModel, type SettlementWorld } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

type World = SettlementWorld;

/**
 * Migration 20260109000001: an approved settlement is frozen in every column, VAT groups are keyed
 * by rate and exemption reason, and approval compares the decisions a settlement was computed with
 * against those of the moment.
 */
describe('settlement integrity', () => {
  let app: TestApp;

  beforeAll(() => {
    app = buildTestApp(t.db);
  });

  /** March 2026: C1 has a grant and two visits (two lines), C2 a visit without grant (one exception). */
  const aMonth = (code: string, o: { assign?: boolean } = {}) => aSmallMonth(app.services, code, o);
  const run = async (w: World) => {
    const r = await app.services.settlements.run(asActor(w.municipalityId, 'test:run'), {
      period: '2026-03',
      providerIds: [w.providers.p],
    });
    return r.outcomes[0]!;
  };
  const approve = (w: World, id: number) =>
    app.services.settlements.approve(asActor(w.municipalityId, 'test:approver', 'admin'), id, { confirmOpen: true });
  const exceptionOf = async (settlementId: number) =>
    (await t.db('settlement_exceptions').where({ settlement_id: settlementId }).first()) as {
      id: number;
      kind: string;
      subject_key: string;
    };

  it('refuses a change to any column of an approved settlement, and allows only the step to invoiced', async () => {
    const { w } = await aMonth('SIF');
    const id = (await run(w)).settlement!.id;
    await approve(w, id);
    const changes: Record<string, unknown>[] = [
      { total_incl_vat: '1.00' },
      { currency: 'SEK' },
      { kind: 'correction' },
      { sequence: 5 },
      { period_end: '2026-05-01' },
      { line_count: 99 },
      { exception_count: 0 },
      { approved_by: 'someone else' },
      { approved_at: new Date('2026-01-01T00:00:00Z') },
      { computed_by: 'someone else' },
      { decisions_digest: 'f'.repeat(64) },
      { status: 'draft', approved_at: null },
    ];
    for (const change of changes) {
      await expect(t.db('settlements').where({ id }).update(change), JSON.stringify(change)).rejects.toThrow(
        `settlement ${id} is approved and cannot be changed`,
      );
    }
    // Setting the same values is no change.
    const row = await t.db('settlements').where({ id }).first();
    await t.db('settlements').where({ id }).update({ total_incl_vat: row.total_incl_vat, approved_by: row.approved_by });

    await t
      .db('settlements')
      .where({ id })
      .update({ status: 'invoiced', invoiced_at: new Date('2026-04-02T10:00:00Z') });
    await expect(
      t
        .db('settlements')
        .where({ id })
        .update({ invoiced_at: new Date('2026-04-03T10:00:00Z') }),
    ).rejects.toThrow(`settlement ${id} is invoiced and cannot be changed`);
    await expect(t.db('settlements').where({ id }).update({ status: 'approved' })).rejects.toThrow(
      `settlement ${id} is invoiced and cannot be changed`,
    );
    const after = await t.db('settlements').where({ id }).first();
    expect({ ...after, status: row.status, invoiced_at: row.invoiced_at }).toEqual(row);
    expect(after.status).toBe('invoiced');
  });

  it('keeps two 0 % VAT groups with different exemption reasons apart, and a correction finds each line’s group', async () => {
    const { w } = await aMonth('SIV', { assign: false });
    const who = asActor(w.municipalityId, 'test:setup', 'admin');
    const document = {
      ...exampleModel('dk-granted-time'),
      vat: {
        default: { percent: '0', exemptionReason: 'Personlig pleje: momsfri efter ML § 13, stk. 1, nr. 2' },
        categories: {
          practical_help: { percent: '0', exemptionReason: 'Praktisk hjælp: momsfri efter ML § 13, stk. 1, nr. 2 (hjemmehjælp)' },
        },
      },
    };
    const model = await app.services.models.create(who, { name: 'dk-exempt', document });
    await app.services.models.assign(who, model.id, { validFrom: '2026-01-01' });
    const c3 = await w.citizen('C3');
    await w.choose(c3, w.providers.p, 'practical_help');
    await w.grant(c3, 'PH', { minutesPerOccurrence: 60, frequency: { type: 'weekly', count: 1 } });
    // Tue 10 Mar 09:00–10:00: 60 granted minutes × 400.00 / 60 = 400.00, practical help.
    await w.visit(w.providers.p, c3, 'PH', '2026-03-10 09:00', '2026-03-10 10:00');

    const s = (await run(w)).settlement!;
    // Personal care: 30 min weekday_day × 450.00 / 60 = 225.00 and 30 min other_times × 540.00 / 60 = 270.00.
    expect(s).toMatchObject({ totalExclVat: '895.00', vat: '0.00', totalInclVat: '895.00' });
    const groups = await t.db('settlement_vat').where({ settlement_id: s.id }).orderBy('exemption_reason');
    expect(groups.map((g) => [g.percent, g.exemption_reason, g.base])).toEqual([
      ['0.00', 'Personlig pleje: momsfri efter ML § 13, stk. 1, nr. 2', '495.00'],
      ['0.00', 'Praktisk hjælp: momsfri efter ML § 13, stk. 1, nr. 2 (hjemmehjælp)', '400.00'],
    ]);
    const lines = await t.db('settlement_lines').where({ settlement_id: s.id }).orderBy('line_no');
    expect(lines.map((l) => [l.category, l.exemption_reason])).toEqual([
      ['personal_care', 'Personlig pleje: momsfri efter ML § 13, stk. 1, nr. 2'],
      ['personal_care', 'Personlig pleje: momsfri efter ML § 13, stk. 1, nr. 2'],
      ['practical_help', 'Praktisk hjælp: momsfri efter ML § 13, stk. 1, nr. 2 (hjemmehjælp)'],
    ]);

    await approve(w, s.id);
    // A late practical-help visit: the correction holds one line, in the practical-help group only.
    await w.visit(w.providers.p, c3, 'PH', '2026-03-17 09:00', '2026-03-17 10:00');
    const c = (await run(w)).settlement!;
    expect(c).toMatchObject({ kind: 'correction', totalExclVat: '400.00', lineCount: 1 });
    const cGroups = await t.db('settlement_vat').where({ settlement_id: c.id });
    expect(cGroups.map((g) => [g.percent, g.exemption_reason, g.base])).toEqual([
      ['0.00', 'Praktisk hjælp: momsfri efter ML § 13, stk. 1, nr. 2 (hjemmehjælp)', '400.00'],
    ]);
  });

  it('refuses approval when a decision is missing from the settlement, whatever its timestamp', async () => {
    const { w } = await aMonth('SIR');
    const s = (await run(w)).settlement!;
    const e = await exceptionOf(s.id);
    // A decision whose transaction began before the run read the decisions and committed after it:
    // its decided_at is earlier than the settlement's computed_at, yet the run did not see it.
    await t.db('exception_decisions').insert({
      municipality_id: w.municipalityId,
      provider_id: w.providers.p,
      period_start: '2026-03-01',
      kind: e.kind,
      subject_key: e.subject_key,
      decision: 'accepted',
      note: null,
      decided_by: 'test:finance',
      decided_at: new Date(new Date(s.computedAt).getTime() - 60_000),
    });
    await expect(approve(w, s.id)).rejects.toMatchObject({ status: 409, message: expect.stringContaining('run the settlement again') });
    const again = await run(w);
    expect(again).toMatchObject({ outcome: 'replaced', settlement: { totalExclVat: '720.00' } }); // 495.00 + the accepted 225.00
    await expect(approve(w, again.settlement!.id)).resolves.toMatchObject({ status: 'approved' });
  });

  it('does not hold up approval when finance saves the same decision again, and keeps when it was taken', async () => {
    const { w } = await aMonth('SIS');
    const finance = asActor(w.municipalityId, 'test:finance');
    const first = (await run(w)).settlement!;
    const e = await exceptionOf(first.id);
    await app.services.settlements.decide(finance, e.id, 'rejected', 'no grant');
    const second = await run(w);
    expect(second.outcome).toBe('replaced');
    const decidedAt = (await t.db('exception_decisions').where({ municipality_id: w.municipalityId }).first()).decided_at;

    const e2 = await exceptionOf(second.settlement!.id);
    const again = await app.services.settlements.decide(
      asActor(w.municipalityId, 'test:other'),
      e2.id,
      'rejected',
      'no grant: checked with the visitation',
    );
    expect(again.decision).toEqual({
      decision: 'rejected',
      note: 'no grant: checked with the visitation',
      decidedBy: 'test:finance',
      decidedAt: decidedAt.toISOString(),
    });
    expect(await run(w)).toMatchObject({ outcome: 'unchanged', settlement: { id: second.settlement!.id } });
    await expect(approve(w, second.settlement!.id)).resolves.toMatchObject({ status: 'approved', totalExclVat: '495.00' });
  });
});
