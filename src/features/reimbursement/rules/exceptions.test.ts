import { describe, expect, it } from 'vitest';
import { aChoice, aGrant, aModel, anAbsence, aVisit, aWorld } from '../testing/engine-builders.js';
import { settle } from '../testing/settle.js';

const exceptionsOf = (r: ReturnType<typeof settle>) =>
  r.exceptions.map((e) => [e.kind, e.citizenRef, e.serviceCode, e.date, e.minutes, e.amount]);

describe('match-grant and match-choice', () => {
  it('a visit without an active grant is an exception priced at standard minutes', () => {
    const r = settle(
      aWorld(aModel({ defaults: { basis: { type: 'granted' } } }), {
        grants: [aGrant(1, 'PC', 'personal_care', { validTo: '2026-03-05' })],
        visits: [aVisit(1, 'PC', '2026-03-05 09:00', '2026-03-05 09:40')],
      }),
    );
    expect(r.lines).toEqual([]);
    expect(exceptionsOf(r)).toEqual([['visit_without_grant', 'C001', 'PC', '2026-03-05', 30, '300.00']]);
    expect(r.exceptions[0]!.reasonCodes).toEqual(['grant.assumed_standard', 'exception.visit_without_grant', 'basis.granted']);
    expect([r.totalExclVat, r.exceptionsAmount]).toEqual(['0.00', '300.00']);
  });

  it.each<[string, object[], string]>([
    [
      'another provider chosen',
      [aChoice(1, 'personal_care', { providerId: 2 })],
      'citizen had chosen another provider for personal_care on 2026-03-05',
    ],
    [
      'choice starts later',
      [aChoice(1, 'personal_care', { validFrom: '2026-03-06' })],
      'no provider choice for personal_care on 2026-03-05',
    ],
    ['choice ended', [aChoice(1, 'personal_care', { validTo: '2026-03-05' })], 'no provider choice for personal_care on 2026-03-05'],
  ])('provider not chosen: %s', (_name, choices, message) => {
    const r = settle(aWorld(aModel(), { choices: choices as never, visits: [aVisit(1, 'PC', '2026-03-05 09:00', '2026-03-05 09:40')] }));
    expect(exceptionsOf(r)).toEqual([['provider_not_chosen', 'C001', 'PC', '2026-03-05', 40, '400.00']]);
    expect(r.exceptions[0]!.message).toBe(message);
  });

  it('the grant and choice are matched on the local date of the visit', () => {
    // 00:30 local on 1 April is still 31 March in UTC: the April grant and choice apply, and the visit is not in March
    const input = aWorld(aModel(), {
      period: { from: '2026-04-01', to: '2026-05-01' },
      grants: [aGrant(1, 'PC', 'personal_care', { validFrom: '2026-04-01' })],
      choices: [aChoice(1, 'personal_care', { validFrom: '2026-04-01' })],
      visits: [aVisit(1, 'PC', '2026-04-01 00:30', '2026-04-01 01:00')],
    });
    const r = settle(input);
    expect([r.exceptions, r.totalExclVat, r.visitLines[0]!.date]).toEqual([[], '360.00', '2026-04-01']);
    expect(settle({ ...input, period: { from: '2026-03-01', to: '2026-04-01' } }).counts.visits).toBe(0);
  });
});

describe('absence-suspends-grant', () => {
  it('pays the first day of an absence, lists later days as exceptions', () => {
    const r = settle(
      aWorld(aModel(), {
        absences: [anAbsence(1, '2026-03-10', '2026-03-15')],
        visits: [
          aVisit(1, 'PC', '2026-03-10 08:00', '2026-03-10 08:30'),
          aVisit(1, 'PC', '2026-03-11 08:00', '2026-03-11 08:30'),
          aVisit(1, 'PC', '2026-03-15 08:00', '2026-03-15 08:30'),
        ],
      }),
    );
    expect(r.totalExclVat).toBe('600.00');
    expect(exceptionsOf(r)).toEqual([['visit_during_absence', 'C001', 'PC', '2026-03-11', 30, '300.00']]);
  });
});

describe('far-longer-than-granted', () => {
  it.each<[string, string, number | undefined, boolean]>([
    ['more than twice the grant', '10:01', undefined, true],
    ['exactly twice the grant', '10:00', undefined, false],
    ['over the factor but within the minimum extra minutes', '10:05', 40, false],
    ['over the factor and the minimum extra minutes', '10:15', 40, true],
  ])('%s', (_name, end, minExtraMinutes, exception) => {
    const r = settle(
      aWorld(
        aModel({
          exceptions: { farLongerThanGranted: { factor: '2', ...(minExtraMinutes ? { minExtraMinutes } : {}) } },
          defaults: { basis: { type: 'granted' } },
        }),
        {
          grants: [aGrant(1, 'PC', 'personal_care', { minutesPerOccurrence: 30 })],
          visits: [aVisit(1, 'PC', '2026-03-05 09:00', `2026-03-05 ${end}`)],
        },
      ),
    );
    expect(r.exceptions.map((e) => [e.kind, e.amount])).toEqual(exception ? [['far_longer_than_granted', '300.00']] : []);
    expect(r.totalExclVat).toBe(exception ? '0.00' : '300.00');
  });
});

describe('grant-never-delivered', () => {
  it('lists grants with planned occurrences and no visit, on chosen days without absence', () => {
    const r = settle(
      aWorld(aModel({ exceptions: { grantNeverDelivered: true } }), {
        choices: [aChoice(1, 'personal_care'), aChoice(1, 'practical_help', { validFrom: '2026-03-20' }), aChoice(2, 'personal_care')],
        grants: [
          aGrant(1, 'PC', 'personal_care'),
          aGrant(1, 'CLEAN', 'practical_help', { minutesPerOccurrence: 60, frequency: { type: 'weekly', count: 1 } }),
          aGrant(2, 'PC', 'personal_care', { frequency: { type: 'weekly', count: 1 } }),
        ],
        absences: [anAbsence(2, '2026-03-01', '2026-03-30')],
        visits: [aVisit(1, 'PC', '2026-03-02 08:00', '2026-03-02 08:30')],
      }),
    );
    // CLEAN: Mondays from 20 March → 23 and 30 March; citizen 2: only Monday 30 March is outside the absence
    expect(exceptionsOf(r)).toEqual([
      ['grant_never_delivered', 'C001', 'CLEAN', '2026-03-23', 120, '0.00'],
      ['grant_never_delivered', 'C002', 'PC', '2026-03-30', 30, '0.00'],
    ]);
  });

  it('a cancelled visit counts as contact with the grant', () => {
    const r = settle(
      aWorld(aModel({ exceptions: { grantNeverDelivered: true } }), {
        choices: [aChoice(1, 'personal_care')],
        grants: [aGrant(1, 'PC', 'personal_care')],
        visits: [aVisit(1, 'PC', '2026-03-02 08:00', '2026-03-02 08:30', { status: 'no_show', actualStart: null, actualEnd: null })],
      }),
    );
    expect(r.exceptions).toEqual([]);
  });
});

describe('unknown services and shared visits', () => {
  it('a service code missing from the catalogue is an exception with amount 0', () => {
    const r = settle(aWorld(aModel(), { visits: [aVisit(1, ['PC', 'XYZ'], '2026-03-02 08:00', '2026-03-02 08:30')] }));
    expect(exceptionsOf(r)).toEqual([['unknown_service', 'C001', 'XYZ', '2026-03-02', 30, '0.00']]);
    expect(r.totalExclVat).toBe('300.00');
  });

  it('a visit with two services shares its minutes in proportion to the grants', () => {
    // PC granted 30, CLEAN granted 60: a 75-minute visit → 25 + 50
    const r = settle(aWorld(aModel(), { visits: [aVisit(1, ['PC', 'CLEAN'], '2026-03-02 09:00', '2026-03-02 10:15')] }));
    expect(r.lines.map((l) => [l.serviceCode, l.minutes, l.amount, l.reasonCodes])).toEqual([
      ['CLEAN', 50, '500.00', ['visit.shared', 'basis.delivered']],
      ['PC', 25, '250.00', ['visit.shared', 'basis.delivered']],
    ]);
  });
});
