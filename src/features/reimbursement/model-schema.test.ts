import { describe, expect, it } from 'vitest';
import { parseModel } from './model-schema.js';
import { exampleModel } from './testing/engine-builders.js';

const base = () => JSON.parse(JSON.stringify(exampleModel('solna-2024'))) as Record<string, any>;
const issuesOf = (json: unknown) => {
  const r = parseModel(json);
  if (r.ok) throw new Error('expected the model to be rejected');
  return r.issues;
};

describe('parseModel', () => {
  it('accepts a complete model and returns it', () => {
    const r = parseModel(base());
    expect(r.ok).toBe(true);
    expect(r.ok && r.model.hospital?.days).toEqual([
      { from: 1, to: 1, percent: '75' },
      { from: 2, to: 5, percent: '25' },
    ]);
  });

  it('accepts JSON text and reports invalid JSON', () => {
    expect(parseModel(JSON.stringify(base())).ok).toBe(true);
    expect(issuesOf('{"schemaVersion": 1,')[0]!.path).toBe('');
  });

  it.each<[string, (m: Record<string, any>) => void, { path: string; message: RegExp }[]]>([
    ['unknown top-level setting', (m) => (m.roundng = { mode: 'none' }), [{ path: 'roundng', message: /unknown setting/ }]],
    [
      'unknown nested setting',
      (m) => (m.timeBands.bands[1].ends = '07:00'),
      [{ path: 'timeBands.bands.1.ends', message: /unknown setting/ }],
    ],
    [
      'a percent as a JSON number',
      (m) => (m.categories.personal_care.cancellation.late = 50),
      [{ path: 'categories.personal_care.cancellation.late', message: /string/ }],
    ],
    [
      'a percent above 100',
      (m) => (m.services['SOL-CLEAN'].cancellation.late = '175'),
      [{ path: 'services.SOL-CLEAN.cancellation.late', message: /between 0 and 100/ }],
    ],
    ['a bad local time', (m) => (m.timeBands.bands[0].start = '7:00'), [{ path: 'timeBands.bands.0.start', message: /HH:MM/ }]],
    [
      'a band that starts and ends at the same time',
      (m) => (m.timeBands.bands[0].end = '07:00'),
      [{ path: 'timeBands.bands.0.end', message: /equal/ }],
    ],
    [
      'bands that leave a gap',
      (m) => (m.timeBands.bands[1].weekdays = [1, 2, 3, 4, 5, 6]),
      [{ path: 'timeBands.bands', message: /^Monday 00:00–07:00, Sunday 22:00–24:00 are not covered by any band$/ }],
    ],
    ['an unknown basis type', (m) => (m.defaults.basis = { type: 'hourly' }), [{ path: 'defaults.basis.type', message: /Invalid/ }]],
    [
      'a setting of another basis',
      (m) => (m.categories.practical_help.basis = { type: 'per_service', floorMinutes: 10 }),
      [{ path: 'categories.practical_help.basis.floorMinutes', message: /unknown setting/ }],
    ],
    [
      'an unknown category',
      (m) => (m.categories.gardening = { basis: { type: 'granted' } }),
      [{ path: 'categories.gardening', message: /unknown setting/ }],
    ],
    [
      'per_period without amount or rate band',
      (m) => (m.categories.alarm = { basis: { type: 'per_period' } }),
      [{ path: 'categories.alarm.basis.rateBand', message: /amount or rateBand/ }],
    ],
    [
      'overlapping hospital day ranges',
      (m) => m.hospital.days.push({ from: 5, to: 9, percent: '10' }),
      [{ path: 'hospital.days.2', message: /overlaps days 2–5/ }],
    ],
    [
      'hospital range ending before it starts',
      (m) => (m.hospital.days[1].to = 1),
      [{ path: 'hospital.days.1.to', message: /before from/ }],
    ],
    ['VAT 0 % without a reason', (m) => (m.vat.default = { percent: '0' }), [{ path: 'vat.default.exemptionReason', message: /required/ }]],
    [
      'a Danish named day in a Swedish model',
      (m) => (m.holidays.alsoCount = ['grundlovsdag']),
      [{ path: 'holidays.alsoCount.0', message: /not a SE day/ }],
    ],
    [
      'de-facto holidays for Denmark',
      (m) => (m.holidays = { country: 'DK', includeDeFacto: true }),
      [{ path: 'holidays.includeDeFacto', message: /only for SE/ }],
    ],
    [
      'a provider-kind adjustment of 150 %',
      (m) => (m.providerKindAdjustment = { private: '150' }),
      [{ path: 'providerKindAdjustment.private', message: /between -100 and 100/ }],
    ],
    ['rounding to 10 minutes', (m) => (m.rounding = { mode: 'up', toMinutes: 10 }), [{ path: 'rounding.toMinutes', message: /.+/ }]],
    [
      'a far-longer factor below 1',
      (m) => (m.exceptions.farLongerThanGranted.factor = '0.5'),
      [{ path: 'exceptions.farLongerThanGranted.factor', message: /at least 1/ }],
    ],
    ['a wrong schema version', (m) => (m.schemaVersion = 2), [{ path: 'schemaVersion', message: /.+/ }]],
  ])('rejects %s with the path of the setting', (_name, mutate, expected) => {
    const m = base();
    mutate(m);
    const issues = issuesOf(m);
    expect(issues).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(issues[i]!.path).toBe(e.path);
      expect(issues[i]!.message).toMatch(e.message);
    });
  });

  it('reports every wrong setting at once', () => {
    const m = base();
    m.name = '';
    m.doubleStaffing = { enabled: 'yes' };
    m.area = { mode: 'supplement', supplements: { rural: { percent: '10', perHour: '5' } } };
    expect(issuesOf(m).map((i) => i.path)).toEqual(['name', 'doubleStaffing.enabled', 'area.supplements.rural']);
  });
});
