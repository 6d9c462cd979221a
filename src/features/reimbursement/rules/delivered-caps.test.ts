import { describe, expect, it } from 'vitest';
import { aGrant, aModel, anAbsence, aVisit, aWorld } from '../testing/engine-builders.js';
import { settle } from '../testing/settle.js';

const weekly2 = aGrant(1, 'PC', 'personal_care', { id: 7, minutesPerOccurrence: 30, frequency: { type: 'weekly', count: 2 } });

describe('delivered-caps', () => {
  it('only within the granted weekly total: minutes over it come off the latest visits', () => {
    const input = aWorld(aModel({ defaults: { basis: { type: 'delivered', onlyWithinGrantedWeeklyTotal: true } } }), {
      grants: [weekly2],
      visits: [
        aVisit(1, 'PC', '2026-03-02 08:00', '2026-03-02 08:40'), // Mon 40
        aVisit(1, 'PC', '2026-03-04 08:00', '2026-03-04 08:40'), // Wed 40 → 20
        aVisit(1, 'PC', '2026-03-06 08:00', '2026-03-06 08:15'), // Fri 15 → 0
        aVisit(1, 'PC', '2026-03-09 08:00', '2026-03-09 08:40'), // next week: 40
      ],
    });
    const r = settle(input);
    expect(r.visitLines.map((v) => [v.date, v.minutes, v.reasonCodes.at(-1)])).toEqual([
      ['2026-03-02', 40, 'basis.delivered'],
      ['2026-03-04', 20, 'delivered.within_granted_week'],
      ['2026-03-06', 0, 'delivered.within_granted_week'],
      ['2026-03-09', 40, 'basis.delivered'],
    ]);
    expect(r.totalExclVat).toBe('1000.00');
  });

  it('150 % per week', () => {
    // weekly ×2 × 30 = 60 granted minutes a week → at most 90
    const visits = ['02', '03', '04'].map((d) => aVisit(1, 'PC', `2026-03-${d} 08:00`, `2026-03-${d} 09:00`));
    const r = settle(aWorld(aModel({ defaults: { basis: { type: 'delivered', caps: [{ per: 'citizen_week', percentOfGranted: '150' }] } } }), { grants: [weekly2], visits }));
    expect(r.visitLines.map((v) => v.minutes)).toEqual([60, 30, 0]);
    expect(r.totalExclVat).toBe('900.00');
  });

  it('100 % per month', () => {
    // monthly ×2 × 50 = 100 granted minutes in March
    const grant = aGrant(1, 'PC', 'personal_care', { minutesPerOccurrence: 50, frequency: { type: 'monthly', count: 2 } });
    const visits = ['02', '10', '20'].map((d) => aVisit(1, 'PC', `2026-03-${d} 08:00`, `2026-03-${d} 08:45`));
    const r = settle(aWorld(aModel({ defaults: { basis: { type: 'delivered', caps: [{ per: 'citizen_month', percentOfGranted: '100' }] } } }), { grants: [grant], visits }));
    expect(r.visitLines.map((v) => [v.minutes, v.reasonCodes.includes('delivered.cap.month.100')])).toEqual([
      [45, false],
      [45, false],
      [10, true],
    ]);
    expect(r.totalExclVat).toBe('1000.00');
  });

  it('a partial week at the start of the period counts only the granted days inside the period', () => {
    // Week of Monday 23 Feb: only Sunday 1 March is in the period; daily 30 → 30 minutes allowed that week.
    const r = settle(
      aWorld(aModel({ defaults: { basis: { type: 'delivered', onlyWithinGrantedWeeklyTotal: true } } }), {
        visits: [aVisit(1, 'PC', '2026-03-01 08:00', '2026-03-01 08:45')],
      }),
    );
    expect([r.lines[0]!.minutes, r.totalExclVat]).toEqual([30, '300.00']);
  });

  it('absence days are not granted time', () => {
    // Daily 30; away Tue–Sun of the week of 2 March → only Monday's 30 minutes are granted.
    const r = settle(
      aWorld(aModel({ defaults: { basis: { type: 'delivered', onlyWithinGrantedWeeklyTotal: true } } }), {
        absences: [anAbsence(1, '2026-03-03', '2026-03-09', { kind: 'holiday', planned: true })],
        visits: [aVisit(1, 'PC', '2026-03-02 08:00', '2026-03-02 09:00')],
      }),
    );
    expect(r.lines[0]!.minutes).toBe(30);
  });
});
