import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { holidaySet, holidays } from './holidays.js';

const dates = (list: { date: string }[]) => list.map((h) => h.date);

describe('holidays', () => {
  it('Danish public holidays 2026 (no Store Bededag from 2024)', () => {
    expect(dates(holidays('DK', 2026))).toEqual([
      '2026-01-01',
      '2026-04-02',
      '2026-04-03',
      '2026-04-05',
      '2026-04-06',
      '2026-05-14',
      '2026-05-24',
      '2026-05-25',
      '2026-12-25',
      '2026-12-26',
    ]);
  });

  it.each([
    [2023, true],
    [2024, false],
  ])('Store Bededag in %i: %s', (year, present) => {
    const list = holidays('DK', year);
    expect(list.some((h) => h.name === 'Store Bededag')).toBe(present);
    if (present) expect(list.find((h) => h.name === 'Store Bededag')!.date).toBe('2023-05-05');
  });

  it('Danish observance days count only when the model names them', () => {
    expect(holidaySet('DK', 2026, 2026).has('2026-06-05')).toBe(false);
    const named = holidays('DK', 2026, { alsoCount: ['grundlovsdag', 'juleaftensdag', 'nytaarsaftensdag'] });
    expect(named.filter((h) => h.source === 'named').map((h) => [h.date, h.name])).toEqual([
      ['2026-06-05', 'Grundlovsdag'],
      ['2026-12-24', 'Juleaftensdag'],
      ['2026-12-31', 'Nytårsaftensdag'],
    ]);
  });

  it('Swedish public holidays 2026; de-facto holidays only with includeDeFacto', () => {
    expect(dates(holidays('SE', 2026))).toEqual([
      '2026-01-01',
      '2026-01-06',
      '2026-04-03',
      '2026-04-05',
      '2026-04-06',
      '2026-05-01',
      '2026-05-14',
      '2026-05-24',
      '2026-06-06',
      '2026-06-20',
      '2026-10-31',
      '2026-12-25',
      '2026-12-26',
    ]);
    expect(dates(holidays('SE', 2026, { includeDeFacto: true })).filter((d) => !holidaySet('SE', 2026, 2026).has(d))).toEqual([
      '2026-06-19',
      '2026-12-24',
      '2026-12-31',
    ]);
  });

  it.each([2024, 2025, 2026, 2027, 2030])(
    'our Midsommarafton/Julafton/Nyårsafton %i are the days date-holidays files as "bank"',
    (year) => {
      const bank = new Holidays('SE')
        .getHolidays(year)
        .filter((h) => h.type === 'bank')
        .map((h) => h.date.slice(0, 10));
      const ours = holidays('SE', year, { includeDeFacto: true })
        .filter((h) => h.source === 'named')
        .map((h) => h.date);
      expect(ours).toEqual(bank);
    },
  );

  it('Påskafton and Pingstafton follow Easter', () => {
    const list = holidays('SE', 2026, { alsoCount: ['paskafton', 'pingstafton'] }).filter((h) => h.source === 'named');
    expect(list.map((h) => h.date)).toEqual(['2026-04-04', '2026-05-23']);
  });

  it('adds municipal extra days of the year, once per date', () => {
    const list = holidays('DK', 2026, {}, ['2026-03-10', { date: '2026-01-01', name: 'duplicate' }, '2027-01-02']);
    expect(list.filter((h) => h.source === 'municipal')).toEqual([{ date: '2026-03-10', name: 'Municipal holiday', source: 'municipal' }]);
    expect(list.find((h) => h.date === '2026-01-01')!.source).toBe('public');
  });

  it('refuses a named day of the other country', () => {
    expect(() => holidays('DK', 2026, { alsoCount: ['julafton'] })).toThrow(/not a DK day/);
  });
});
