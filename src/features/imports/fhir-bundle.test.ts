import { describe, expect, it } from 'vitest';
import { aCitizenResource, aDeliveryReport, anEncounter, aPlannedIntervention } from '../../../test/helpers/fhir-builders.js';
import { mapFhirFile, readFhirFile, type FhirLookups } from './fhir-bundle.js';

const CPR = '0101501234';
const lookups = (over: Partial<FhirLookups> = {}): FhirLookups => ({
  zone: 'Europe/Copenhagen',
  municipalityIds: new Set(['123456789012345']),
  citizenByCpr: new Map([[CPR, 'C1']]),
  providerById: new Map([['11223344', 'HJEM']]),
  serviceCodes: new Set(['PP1', 'PP1-BAD', 'PH1', 'PH2']),
  servicesByFsiii: new Map([
    ['H1.1', ['PP1']],
    ['H1.8', ['PH1', 'PH2']],
  ]),
  ...over,
});

const map = (resources: Parameters<typeof aDeliveryReport>[0], l = lookups()) => mapFhirFile(readFhirFile(aDeliveryReport(resources)), l);
const plan = (over: Parameters<typeof aPlannedIntervention>[3], code = 'H1.1') =>
  map([aCitizenResource('b', CPR), aPlannedIntervention('p', 'b', { code }, over)]);

describe('FHIR adapter: CarePlan schedules → grant frequencies', () => {
  it.each([
    [
      { frequency: 3, period: 1, periodUnit: 'd' },
      { frequency: 'daily', times: 3 },
    ],
    [
      { frequency: 2, period: 1, periodUnit: 'wk' },
      { frequency: 'weekly', times: 2 },
    ],
    [
      { frequency: 1, period: 2, periodUnit: 'wk' },
      { frequency: 'biweekly', times: 1 },
    ],
    [
      { frequency: 4, period: 1, periodUnit: 'mo' },
      { frequency: 'monthly', times: 4 },
    ],
    [
      { dayOfWeek: ['mon', 'thu'], period: 1, periodUnit: 'wk' },
      { frequency: 'weekdays', times: 1, weekdays: ['mon', 'thu'] },
    ],
    [
      { dayOfWeek: ['tue'], frequency: 2, period: 1, periodUnit: 'd' },
      { frequency: 'weekdays', times: 2, weekdays: ['tue'] },
    ],
    [
      { frequency: 1, period: 1, periodUnit: 'd', duration: 1.5, durationUnit: 'h' },
      { frequency: 'daily', minutes: 90 },
    ],
  ] as const)('%j → %j', (repeat, expected) => {
    const r = plan({ timing: { repeat: repeat as never } });
    expect(r.rejected).toEqual([]);
    expect(r.grants[0]!.values).toMatchObject(expected);
  });

  it.each([
    [
      { frequency: 1, period: 3, periodUnit: 'd' },
      'CarePlan.activity.detail.scheduledTiming.repeat',
      'every 3 d is not a frequency carepay knows (day, week, 2 weeks, month)',
    ],
    [
      { frequency: 1, period: 1, periodUnit: 'd', duration: 1, durationUnit: 's' },
      'CarePlan.activity.detail.scheduledTiming.repeat.duration',
      'must be given in min or h',
    ],
    [
      { frequency: 0, period: 1, periodUnit: 'd' },
      'CarePlan.activity.detail.scheduledTiming.repeat.frequency',
      'must be a whole number from 1 to 100',
    ],
    [
      { dayOfWeek: ['mon'], period: 1, periodUnit: 'mo' },
      'CarePlan.activity.detail.scheduledTiming.repeat',
      'dayOfWeek goes with every day or every week only',
    ],
  ] as const)('refuses %j', (repeat, field, message) => {
    expect(plan({ timing: { repeat: repeat as never } }).rejected).toEqual([{ row: 2, resource: 'CarePlan/p', field, message }]);
  });

  it('takes the local date of a dateTime period and makes the inclusive end exclusive', () => {
    const r = plan({ period: { start: '2026-02-28T23:30:00Z', end: '2026-12-31T10:00:00+01:00' } });
    expect(r.grants[0]!.values).toMatchObject({ valid_from: '2026-03-01', valid_to: '2027-01-01' });
  });
});

describe('FHIR adapter: codes', () => {
  it('prefers a local level-3 code that is a service, and refuses an FSIII code shared by several services', () => {
    const local = map([
      aCitizenResource('b', CPR),
      {
        ...aPlannedIntervention('p', 'b', { code: 'H1.1' }),
        activity: [
          {
            detail: {
              status: 'in-progress',
              code: {
                coding: [
                  { system: 'urn:oid:1.2.208.176.2.21', code: 'H1.1' },
                  { system: 'http://fhir.kl.dk/gateway/CodeSystem/LocallyDefinedInterventions', code: 'PP1-BAD', display: 'x' },
                ],
              },
              scheduledTiming: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
            },
          },
        ],
      },
    ]);
    expect(local.grants[0]!.values.service_code).toBe('PP1-BAD');
    expect(plan({}, 'H1.8').rejected[0]!.message).toBe(
      'FSIII code H1.8 is the code of several services (PH1, PH2): send the level-3 local code too',
    );
    expect(plan({}, 'G1.39').rejected[0]!.message).toBe(
      'unknown code: G1.39 is not an FSIII home-care intervention and no service has it as its code',
    );
  });
});

describe('FHIR adapter: encounters and bundles', () => {
  it('ends a visit by its length in hours, and refuses one without a time of day', () => {
    const r = map([
      aCitizenResource('b', CPR),
      aPlannedIntervention('p', 'b', { code: 'H1.1' }, { performer: 'x' }),
      { resourceType: 'Organization', id: 'x', identifier: [{ value: '11223344' }] },
      anEncounter('e1', 'b', { basedOnIntervention: 'p', period: { start: '2026-03-02T07:00:00+01:00' }, length: { value: 1, unit: 'h' } }),
      anEncounter('e2', 'b', { basedOnIntervention: 'p', period: { start: '2026-03-02', end: '2026-03-02' } }),
      anEncounter('e3', 'b', { basedOnIntervention: 'p', status: 'cancelled' }),
    ]);
    expect(r.visits.map((v) => v.values)).toEqual([
      {
        external_id: 'e1',
        provider_ref: 'HJEM',
        citizen_ref: 'C1',
        service_codes: ['PP1'],
        actual_start: '2026-03-02T06:00:00Z',
        actual_end: '2026-03-02T07:00:00Z',
        status: 'delivered',
      },
    ]);
    expect(r.rejected.map((x) => `${x.resource} ${x.field}: ${x.message}`)).toEqual([
      'Encounter/e2 Encounter.period.start: has no time of day ("2026-03-02"): a visit needs its start and end time',
      'Encounter/e3 Encounter.status: is "cancelled": the profile does not say who cancelled, so it cannot be priced (import it with the visits CSV and its status)',
    ]);
  });

  it('resolves references inside their own bundle only', () => {
    const a = aDeliveryReport([aCitizenResource('b', CPR)]);
    const b = aDeliveryReport([aPlannedIntervention('p', 'b', { code: 'H1.1' })]);
    const r = mapFhirFile(readFhirFile([a, b]), lookups());
    expect(r.rejected).toEqual([
      {
        row: 2,
        resource: 'CarePlan/p',
        field: 'CarePlan.subject',
        message: 'does not refer to a Patient in the bundle (the citizen cannot be identified)',
      },
    ]);
  });

  it('refuses what is not a bundle', () => {
    expect(() => readFhirFile({ resourceType: 'Patient' })).toThrow(/not a FHIR Bundle/);
    expect(() => readFhirFile([{ resourceType: 'Bundle' }, 3])).toThrow(/not a FHIR Bundle/);
    expect(() => readFhirFile('Bundle')).toThrow(/not a FHIR Bundle/);
  });
});
