import { describe, expect, it } from 'vitest';
import { aCancelledVisit, aModel, anAbsence, aWorld } from '../testing/engine-builders.js';
import { settle } from '../testing/settle.js';

const solnaHospital = {
  days: [
    { from: 1, to: 1, percent: '75' },
    { from: 2, to: 5, percent: '25' },
  ],
};
const model = (hospital: object = solnaHospital) =>
  aModel({ defaults: { basis: { type: 'delivered' }, cancellation: { late: '50', noShow: '50' } }, hospital });
const day = (d: number) => `2026-03-${String(d).padStart(2, '0')}`;

describe('hospital-stay', () => {
  it('pays 75 % on day 1, 25 % on days 2–5 and nothing from day 6 (planned 60-minute visits)', () => {
    const visits = [10, 11, 12, 13, 14, 15, 16].map((d) =>
      aCancelledVisit(1, 'PC', `${day(d)} 10:00`, `${day(d)} 11:00`, d % 2 ? 'no_show' : 'cancelled_by_citizen'),
    );
    const r = settle(aWorld(model(), { absences: [anAbsence(1, '2026-03-10', '2026-03-20')], visits }));
    expect(r.visitLines.map((v) => [v.date, v.kind, v.amount, v.reasonCodes.at(-1)])).toEqual([
      ['2026-03-10', 'hospital', '450.00', 'hospital.day1.75'],
      ['2026-03-11', 'hospital', '150.00', 'hospital.day2.25'],
      ['2026-03-12', 'hospital', '150.00', 'hospital.day3.25'],
      ['2026-03-13', 'hospital', '150.00', 'hospital.day4.25'],
      ['2026-03-14', 'hospital', '150.00', 'hospital.day5.25'],
      ['2026-03-15', 'hospital', '0.00', 'hospital.day6.0'],
      ['2026-03-16', 'hospital', '0.00', 'hospital.day7.0'],
    ]);
    expect(r.lines.map((l) => [l.factor, l.visits, l.amount])).toEqual([
      ['0', 2, '0.00'],
      ['0.25', 4, '600.00'],
      ['0.75', 1, '450.00'],
    ]);
    expect(r.totalExclVat).toBe('1050.00');
  });

  it('counts days from the start of a stay that began before the period', () => {
    const r = settle(
      aWorld(model(), {
        absences: [anAbsence(1, '2026-02-27', null)],
        visits: [aCancelledVisit(1, 'PC', '2026-03-02 10:00', '2026-03-02 11:00', 'no_show')],
      }),
    );
    expect(r.visitLines.map((v) => [v.amount, v.reasonCodes.at(-1)])).toEqual([['150.00', 'hospital.day4.25']]);
  });

  it.each<[string, object, object, string, string]>([
    ['a planned stay is an ordinary cancellation', solnaHospital, { planned: true }, '300.00', 'cancel.late.50'],
    [
      'a planned stay counts when the model says so',
      { ...solnaHospital, includePlannedAbsences: true },
      { planned: true },
      '450.00',
      'hospital.day1.75',
    ],
    ['a respite stay is not a hospital stay', solnaHospital, { kind: 'respite' }, '300.00', 'cancel.late.50'],
    [
      'other absence kinds when listed',
      { ...solnaHospital, absenceKinds: ['hospital', 'respite'] },
      { kind: 'respite' },
      '450.00',
      'hospital.day1.75',
    ],
    ['only the listed categories', { ...solnaHospital, categories: ['practical_help'] }, {}, '300.00', 'cancel.late.50'],
  ])('%s', (_name, hospital, absence, amount, reason) => {
    const r = settle(
      aWorld(model(hospital), {
        absences: [anAbsence(1, '2026-03-10', '2026-03-20', absence)],
        visits: [aCancelledVisit(1, 'PC', '2026-03-10 10:00', '2026-03-10 11:00', 'cancelled_by_citizen')],
      }),
    );
    expect(r.visitLines.map((v) => [v.amount, v.reasonCodes.at(-1)])).toEqual([[amount, reason]]);
  });
});
