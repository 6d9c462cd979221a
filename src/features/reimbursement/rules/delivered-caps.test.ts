import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { aChoice, aGrant, aModel, anAbsence, aVisit, aWorld } from '../testing/engine-builders.js';
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
    const r = settle(
      aWorld(aModel({ defaults: { basis: { type: 'delivered', caps: [{ per: 'citizen_week', percentOfGranted: '150' }] } } }), {
        grants: [weekly2],
        visits,
      }),
    );
    expect(r.visitLines.map((v) => v.minutes)).toEqual([60, 30, 0]);
    expect(r.totalExclVat).toBe('900.00');
  });

  it('100 % per month', () => {
    // monthly ×2 × 50 = 100 granted minutes in March
    const grant = aGrant(1, 'PC', 'personal_care', { minutesPerOccurrence: 50, frequency: { type: 'monthly', count: 2 } });
    const visits = ['02', '10', '20'].map((d) => aVisit(1, 'PC', `2026-03-${d} 08:00`, `2026-03-${d} 08:45`));
    const r = settle(
      aWorld(aModel({ defaults: { basis: { type: 'delivered', caps: [{ per: 'citizen_month', percentOfGranted: '100' }] } } }), {
        grants: [grant],
        visits,
      }),
    );
    expect(r.visitLines.map((v) => [v.minutes, v.reasonCodes.includes('delivered.cap.month.100')])).toEqual([
      [45, false],
      [45, false],
      [10, true],
    ]);
    expect(r.totalExclVat).toBe('1000.00');
  });

  describe('a week that crosses the start or end of the period is taken whole', () => {
    const april = { from: '2026-04-01', to: '2026-05-01' };
    const withinWeek = aModel({ defaults: { basis: { type: 'delivered', onlyWithinGrantedWeeklyTotal: true } } });
    // Weekly ×1 × 30: its one occurrence of the week Mon 30 March – Sun 5 April falls on Monday 30 March.
    const weeklyOnMonday = aGrant(1, 'PC', 'personal_care', { id: 8, minutesPerOccurrence: 30, frequency: { type: 'weekly', count: 1 } });
    const thursday = aVisit(1, 'PC', '2026-04-02 08:00', '2026-04-02 08:30');

    it("the week's granted minutes count even where they fall before the period", () => {
      // The visit moved from Monday (March) to Thursday (April): April pays it, as the week allows 30.
      const r = settle(aWorld(withinWeek, { period: april, grants: [weeklyOnMonday], visits: [thursday] }));
      expect(r.visitLines.map((v) => [v.date, v.minutes, v.reasonCodes.at(-1)])).toEqual([['2026-04-02', 30, 'basis.delivered']]);
      expect(r.totalExclVat).toBe('300.00');
    });

    it("the week's visits before the period use the cap up first, and are not paid again", () => {
      const monday = aVisit(1, 'PC', '2026-03-30 08:00', '2026-03-30 08:20'); // 20 of the week's 30, paid in March
      const r = settle(aWorld(withinWeek, { period: april, grants: [weeklyOnMonday], visits: [monday, thursday] }));
      expect(r.visitLines.map((v) => [v.date, v.minutes, v.reasonCodes.at(-1)])).toEqual([
        ['2026-04-02', 10, 'delivered.within_granted_week'],
      ]);
      expect(r.totalExclVat).toBe('100.00');
      // March, settled on its own, paid the Monday visit in full: the week pays 30 minutes in all.
      const march = settle(aWorld(withinWeek, { grants: [weeklyOnMonday], visits: [monday, thursday] }));
      expect(march.visitLines.map((v) => [v.date, v.minutes])).toEqual([['2026-03-30', 20]]);
    });

    it('a period starting on a Sunday: the six days before it count', () => {
      // Week of Monday 23 February, daily 30 → 210 minutes; 150 delivered that February week leave 60 for Sunday 1 March.
      const february = ['23', '24', '25', '26', '27'].map((d) => aVisit(1, 'PC', `2026-02-${d} 08:00`, `2026-02-${d} 08:30`));
      const sunday = aVisit(1, 'PC', '2026-03-01 08:00', '2026-03-01 09:30');
      expect(settle(aWorld(withinWeek, { visits: [sunday] })).visitLines.map((v) => v.minutes)).toEqual([90]);
      expect(settle(aWorld(withinWeek, { visits: [...february, sunday] })).visitLines.map((v) => v.minutes)).toEqual([60]);
    });

    it('at the end of the period the days after it are granted time too, less their absences', () => {
      // Daily 30; the week Mon 30 March – Sun 5 April grants 210; two March visits of 100 minutes fit.
      const visits = ['30', '31'].map((d) => aVisit(1, 'PC', `2026-03-${d} 08:00`, `2026-03-${d} 09:40`));
      expect(settle(aWorld(withinWeek, { visits })).visitLines.map((v) => v.minutes)).toEqual([100, 100]);
      // Away 1–5 April: only Monday and Tuesday are granted, 60 minutes.
      const away = [anAbsence(1, '2026-04-01', '2026-04-06', { kind: 'holiday', planned: true })];
      expect(settle(aWorld(withinWeek, { visits, absences: away })).visitLines.map((v) => v.minutes)).toEqual([60, 0]);
    });

    it('a month cap stays within the period', () => {
      const perMonth = aModel({ defaults: { basis: { type: 'delivered', caps: [{ per: 'citizen_month', percentOfGranted: '100' }] } } });
      const monthly = aGrant(1, 'PC', 'personal_care', { minutesPerOccurrence: 60, frequency: { type: 'monthly', count: 1 } });
      // March's visit does not use up April's 60 minutes.
      const visits = [aVisit(1, 'PC', '2026-03-30 08:00', '2026-03-30 09:00'), aVisit(1, 'PC', '2026-04-02 08:00', '2026-04-02 09:00')];
      expect(settle(aWorld(perMonth, { period: april, grants: [monthly], visits })).visitLines.map((v) => [v.date, v.minutes])).toEqual([
        ['2026-04-02', 60],
      ]);
    });
  });

  describe('a citizen who changes provider within the week or month', () => {
    // Daily 30 minutes of personal care; provider 2 until Wednesday 4 March, provider 1 from Thursday 5 March.
    const switched = [
      aChoice(1, 'personal_care', { providerId: 2, validTo: '2026-03-05' }),
      aChoice(1, 'personal_care', { validFrom: '2026-03-05' }),
    ];
    const hour = (d: string, provider: number) => aVisit(1, 'PC', `2026-03-${d} 08:00`, `2026-03-${d} 09:00`, { providerId: provider });
    const visits = [hour('02', 2), hour('03', 2), hour('05', 1), hour('06', 1), hour('07', 1)];
    const withinWeek = aModel({ defaults: { basis: { type: 'delivered', onlyWithinGrantedWeeklyTotal: true } } });
    const of = (provider: number, model = withinWeek, choices = switched, v = visits) =>
      settle(
        aWorld(model, { provider: { id: provider, ref: `P${provider}`, kind: 'private', vatStatus: 'registered' }, choices, visits: v }),
      ).visitLines.map((l) => [l.date, l.minutes]);

    it("each provider's week cap is the grant on its own days, and together they are the week's grant", () => {
      // Provider 2: Monday–Wednesday, 3 × 30 = 90. Provider 1: Thursday–Sunday, 4 × 30 = 120.
      expect(of(2)).toEqual([
        ['2026-03-02', 60],
        ['2026-03-03', 30],
      ]);
      expect(of(1)).toEqual([
        ['2026-03-05', 60],
        ['2026-03-06', 60],
        ['2026-03-07', 0],
      ]);
      // Had the citizen stayed with provider 1 all week, the whole week's 210 minutes would be its cap.
      expect(
        of(
          1,
          withinWeek,
          [aChoice(1, 'personal_care')],
          visits.filter((v) => v.providerId === 1),
        ),
      ).toEqual([
        ['2026-03-05', 60],
        ['2026-03-06', 60],
        ['2026-03-07', 60],
      ]);
    });

    it('a month cap likewise counts only the days the provider was chosen', () => {
      const perMonth = aModel({ defaults: { basis: { type: 'delivered', caps: [{ per: 'citizen_month', percentOfGranted: '100' }] } } });
      // Provider 1 from Sunday 29 March: 29–31 March, 3 × 30 = 90 granted minutes in March.
      const late = [
        aChoice(1, 'personal_care', { providerId: 2, validTo: '2026-03-29' }),
        aChoice(1, 'personal_care', { validFrom: '2026-03-29' }),
      ];
      expect(of(1, perMonth, late, [hour('29', 1), hour('30', 1), hour('31', 1)])).toEqual([
        ['2026-03-29', 60],
        ['2026-03-30', 30],
        ['2026-03-31', 0],
      ]);
    });

    it("for any change of provider and any visits, each provider is paid its delivered time up to the grant on its own days, together at most the week's grant", () => {
      // Daily grant of `minutes`; provider 2 until `switchDay` (exclusive), provider 1 from it; each
      // visit is made by the provider chosen on its day. March 2026 starts on a Sunday, so the ISO
      // weeks are 23 Feb–1 Mar, 2–8, 9–15, 16–22, 23–29 and 30 Mar–5 Apr.
      const weekOf = (day: number) => Math.floor((day + 5) / 7); // 1 March → 0, 2–8 March → 1, …
      fc.assert(
        fc.property(
          fc.integer({ min: 5, max: 60 }),
          fc.integer({ min: 1, max: 32 }),
          fc.array(fc.record({ day: fc.integer({ min: 1, max: 31 }), minutes: fc.integer({ min: 1, max: 150 }) }), { maxLength: 40 }),
          (minutes, switchDay, raw) => {
            const d2 = (n: number) => String(n).padStart(2, '0');
            const switchDate = switchDay > 31 ? '2026-04-01' : `2026-03-${d2(switchDay)}`;
            const choices = [
              aChoice(1, 'personal_care', { providerId: 2, validTo: switchDate }),
              aChoice(1, 'personal_care', { validFrom: switchDate }),
            ];
            const grant = aGrant(1, 'PC', 'personal_care', { minutesPerOccurrence: minutes });
            const visits = raw.map((v, i) => {
              const start = DateTime.fromObject({ year: 2026, month: 3, day: v.day, hour: 7 + (i % 12) }, { zone: 'Europe/Stockholm' });
              return aVisit(1, 'PC', start.toFormat('yyyy-MM-dd HH:mm'), start.plus({ minutes: v.minutes }).toFormat('yyyy-MM-dd HH:mm'), {
                externalId: `V${i}`,
                providerId: v.day < switchDay ? 2 : 1,
              });
            });
            const paid = new Map<string, number>(); // provider|week → minutes
            for (const provider of [1, 2]) {
              const r = settle(
                aWorld(withinWeek, {
                  provider: { id: provider, ref: `P${provider}`, kind: 'private', vatStatus: 'registered' },
                  choices,
                  grants: [grant],
                  visits,
                }),
              );
              expect(r.exceptions).toEqual([]);
              for (const l of r.visitLines) {
                const key = `${provider}|${weekOf(Number(l.date.slice(8)))}`;
                paid.set(key, (paid.get(key) ?? 0) + l.minutes);
              }
            }
            for (let week = 0; week <= 5; week++) {
              const days = Array.from({ length: 7 }, (_, k) => week * 7 - 5 + k); // day numbers of March (≤ 0: February, > 31: April)
              const own = (provider: number) => days.filter((d) => (provider === 2 ? d < switchDay : d >= switchDay)).length * minutes;
              const delivered = (provider: number) =>
                raw.filter((v) => weekOf(v.day) === week && (v.day < switchDay ? 2 : 1) === provider).reduce((n, v) => n + v.minutes, 0);
              const p1 = paid.get(`1|${week}`) ?? 0;
              const p2 = paid.get(`2|${week}`) ?? 0;
              // Within the weekly total: what was delivered, up to the grant on the provider's own days.
              expect([p1, p2]).toEqual([Math.min(delivered(1), own(1)), Math.min(delivered(2), own(2))]);
              expect(p1 + p2).toBeLessThanOrEqual(7 * minutes);
            }
          },
        ),
        { numRuns: 150 },
      );
    });
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
