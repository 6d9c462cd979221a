import { describe, expect, it } from 'vitest';
import { ReimbursementInputError } from '../engine-types.js';
import { settleProvider } from '../engine.js';
import { aCancelledVisit, aChoice, aGrant, aModel, anAbsence, aVisit, aWorld } from '../testing/engine-builders.js';
import { settle } from '../testing/settle.js';

/** Solna 2024 (published): 75 % of the planned visits on day 1 of an unplanned stay, 25 % on days 2–5. */
const hospital = (o: object = {}) => ({
  days: [
    { from: 1, to: 1, percent: '75' },
    { from: 2, to: 5, percent: '25' },
  ],
  plannedFromGrant: { rateBand: 'day' },
  ...o,
});
const model = (h: object = hospital()) =>
  aModel({ defaults: { basis: { type: 'delivered' }, cancellation: { late: '50', noShow: '50' } }, hospital: h });
/** [service, kind, visits, minutes, factor, amount, reasons] */
const rows = (r: ReturnType<typeof settle>) =>
  r.lines.map((l) => [l.serviceCode, l.kind, l.visits, l.minutes, l.factor, l.amount, l.reasonCodes]);

// aWorld: citizen 1 has daily grants PC 30 min, CLEAN 60 min, SHOP 30 min from provider 1; 600.00/h by day.
describe('hospital-planned-care', () => {
  it('pays the grant’s planned visits on the days of a stay when nothing was registered', () => {
    const r = settle(aWorld(model(), { absences: [anAbsence(1, '2026-03-10', '2026-03-13')] }));
    expect(rows(r)).toEqual([
      // Days 2–3 (11, 12 March): 2 × 60 min × 600.00 / 60 × 25 % = 300.00
      ['CLEAN', 'hospital', 2, 120, '0.25', '300.00', ['basis.delivered', 'hospital.planned', 'hospital.day2.25', 'hospital.day3.25']],
      // Day 1 (10 March): 60 × 600.00 / 60 × 75 % = 450.00
      ['CLEAN', 'hospital', 1, 60, '0.75', '450.00', ['basis.delivered', 'hospital.planned', 'hospital.day1.75']],
      // 2 × 30 × 600.00 / 60 × 25 % = 150.00
      ['PC', 'hospital', 2, 60, '0.25', '150.00', ['basis.delivered', 'hospital.planned', 'hospital.day2.25', 'hospital.day3.25']],
      // 30 × 600.00 / 60 × 75 % = 225.00
      ['PC', 'hospital', 1, 30, '0.75', '225.00', ['basis.delivered', 'hospital.planned', 'hospital.day1.75']],
      ['SHOP', 'hospital', 2, 60, '0.25', '150.00', ['basis.delivered', 'hospital.planned', 'hospital.day2.25', 'hospital.day3.25']],
      ['SHOP', 'hospital', 1, 30, '0.75', '225.00', ['basis.delivered', 'hospital.planned', 'hospital.day1.75']],
    ]);
    // 300 + 450 + 150 + 225 + 150 + 225 = 1500.00
    expect(r.totalExclVat).toBe('1500.00');
  });

  it('does not pay a planned visit twice when its cancellation was registered', () => {
    const r = settle(
      aWorld(model(hospital({ categories: ['personal_care'] })), {
        absences: [anAbsence(1, '2026-03-10', '2026-03-13')],
        visits: [aCancelledVisit(1, 'PC', '2026-03-10 10:00', '2026-03-10 10:30', 'cancelled_by_citizen')],
      }),
    );
    expect(rows(r)).toEqual([
      // Derived: days 2–3 only (day 1's planned visit is the registered one)
      ['PC', 'hospital', 2, 60, '0.25', '150.00', ['basis.delivered', 'hospital.planned', 'hospital.day2.25', 'hospital.day3.25']],
      // Registered cancellation on day 1, paid by hospital-stay: 30 × 600.00 / 60 × 75 % = 225.00
      ['PC', 'hospital', 1, 30, '0.75', '225.00', ['basis.delivered', 'hospital.day1.75']],
    ]);
    expect(r.totalExclVat).toBe('375.00');
  });

  it('counts a visit delivered on day 1 as the planned one, and pays nothing from day 6', () => {
    const r = settle(
      aWorld(model(hospital({ categories: ['personal_care'] })), {
        absences: [anAbsence(1, '2026-03-10', '2026-03-20')],
        visits: [aVisit(1, 'PC', '2026-03-10 08:00', '2026-03-10 08:30')],
      }),
    );
    expect(rows(r)).toEqual([
      // Delivered on day 1: paid as a visit, 30 × 600.00 / 60 = 300.00
      ['PC', 'visit', 1, 30, '1', '300.00', ['absence.first_day', 'basis.delivered']],
      // Days 2–5 (11–14 March): 4 × 30 × 600.00 / 60 × 25 % = 300.00; days 6–10 pay 0 % and give no line
      [
        'PC',
        'hospital',
        4,
        120,
        '0.25',
        '300.00',
        ['basis.delivered', 'hospital.planned', 'hospital.day2.25', 'hospital.day3.25', 'hospital.day4.25', 'hospital.day5.25'],
      ],
    ]);
  });

  it("prices a derived visit at the grant's time band when it is a band of the model, else at rateBand", () => {
    const r = settle(
      aWorld(model(hospital({ categories: ['personal_care'] })), {
        absences: [anAbsence(1, '2026-03-10', '2026-03-11'), anAbsence(2, '2026-03-10', '2026-03-11')],
        grants: [aGrant(1, 'PC', 'personal_care', { timeBand: 'night' }), aGrant(2, 'PC', 'personal_care', { timeBand: 'morning' })],
      }),
    );
    expect(r.lines.map((l) => [l.citizenRef, l.band, l.rate, l.amount])).toEqual([
      // Night: 30 × 720.00 / 60 × 75 % = 270.00
      ['C001', 'night', '720.00', '270.00'],
      // 'morning' is no band of the model: the day rate, 30 × 600.00 / 60 × 75 % = 225.00
      ['C002', 'day', '600.00', '225.00'],
    ]);
  });

  it('pays only the provider chosen on the day, and only when the model asks for it', () => {
    const absences = [anAbsence(1, '2026-03-10', '2026-03-11')];
    const other = aWorld(model(hospital({ categories: ['personal_care'] })), {
      absences,
      choices: [aChoice(1, 'personal_care', { providerId: 2 })],
    });
    expect(settle(other).lines).toEqual([]);
    const { plannedFromGrant: _, ...without } = hospital({ categories: ['personal_care'] });
    expect(settle(aWorld(model(without), { absences })).lines).toEqual([]);
  });

  it('fails the run naming the rate a derived visit needs', () => {
    const input = aWorld(model(hospital({ plannedFromGrant: { rateBand: 'evening' } })), {
      absences: [anAbsence(1, '2026-03-10', '2026-03-11')],
    });
    let issues: unknown = null;
    try {
      settleProvider(input);
    } catch (e) {
      if (e instanceof ReimbursementInputError) issues = e.issues.map((i) => [i.code, i.details]);
    }
    expect(issues).toEqual([
      ['missing_rate', { priceGroup: 'pc', timeBand: 'evening', providerKind: 'private', area: null, unit: 'per_hour' }],
      ['missing_rate', { priceGroup: 'ph', timeBand: 'evening', providerKind: 'private', area: null, unit: 'per_hour' }],
    ]);
  });
});
