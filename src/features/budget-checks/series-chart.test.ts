import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { isoWeek } from './iso-week.js';
import { niceStep, seriesCsv, seriesSvg, type SeriesPoint } from './series-chart.js';

const point = (week: number, granted: string | null, affordable: string | null): SeriesPoint => ({
  week: isoWeek(2026, week),
  grantedHours: granted === null ? null : new Decimal(granted),
  affordableHours: affordable === null ? null : new Decimal(affordable),
  watchFromHours: affordable === null ? null : new Decimal(affordable).times('0.98'),
  overFromHours: affordable === null ? null : new Decimal(affordable),
  deviationPercent: null,
  status: granted === null ? null : 'ok',
});

describe('series output', () => {
  it.each<[number, number]>([
    [0, 1],
    [9, 2],
    [47, 10],
    [120, 50],
    [3747.9, 1000],
  ])('a nice step for %d', (max, step) => {
    expect(niceStep(max)).toBe(step);
  });

  it('leaves weeks without a check empty in the CSV', () => {
    expect(seriesCsv([point(1, '10', '12'), point(2, null, null)])).toBe(
      'week,week_start,granted_hours,affordable_hours,watch_from_hours,over_from_hours,deviation_hours,deviation_percent,status\r\n' +
        '2026-W01,2025-12-29,10.00,12.00,11.76,12.00,-2.00,,ok\r\n' +
        '2026-W02,2026-01-05,,,,,,,\r\n',
    );
  });

  it('breaks the lines and the band where a week is missing, and escapes the title', () => {
    const svg = seriesSvg('Budget <A & B>', [point(1, '10', '12'), point(2, '11', '12'), point(3, null, null), point(4, '9', '12')]);
    expect(svg).toContain('<title>Budget &lt;A &amp; B&gt;</title>');
    expect(svg.match(/<polygon /g)).toHaveLength(2);
    const granted = /<path d="([^"]+)" fill="none" stroke="#212121"/.exec(svg)![1]!;
    expect(granted.match(/M/g)).toHaveLength(2);
    expect(granted.match(/L/g)).toHaveLength(1);
  });
});

describe('series CSV cells', () => {
  it('neutralises a status a spreadsheet would run and keeps negative deviations as numbers', () => {
    const p = { ...point(1, '10', '12'), deviationPercent: new Decimal('-16.67'), status: '=HYPERLINK("http://x","ok")' };
    expect(seriesCsv([p]).split('\r\n')[1]).toBe(
      `2026-W01,2025-12-29,10.00,12.00,11.76,12.00,-2.00,-16.67,"'=HYPERLINK(""http://x"",""ok"")"`,
    );
  });
});

describe('the chart in the reader language', () => {
  const points = [point(1, '1000', '1200'), point(2, '1100', '1200')];
  it('writes axes, legend, tooltips and numbers in Danish and Swedish', () => {
    const da = seriesSvg('Budget', points, 'da');
    for (const w of [
      'Uge (ISO)',
      'timer pr. uge',
      '>visiteret<',
      '>budgetteret<',
      '>Hold øje<',
      '>Over budget<',
      'visiteret 1.000,00 t',
      '>1.000<',
    ])
      expect(da, w).toContain(w);
    const sv = seriesSvg('Budget', points, 'sv');
    for (const w of ['Vecka (ISO)', 'timmar per vecka', '>beviljat<', '>budgeterat<', '>Bevaka<', '1\u00a0000,00 tim'])
      expect(sv, w).toContain(w);
    for (const svg of [da, sv])
      for (const english of ['ISO week', 'hours per week', '>granted<', '>affordable<', 'watch band', '1,000'])
        expect(svg, english).not.toContain(english);
  });
});
