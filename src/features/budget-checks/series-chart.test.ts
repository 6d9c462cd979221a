import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { isoWeek } from './iso-week.js';
import { ENGLISH_CHART_WORDS, niceStep, seriesCsv, seriesSvg, type SeriesPoint } from './series-chart.js';

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

describe("the chart in the page's language", () => {
  const danish = {
    locale: 'da-DK',
    isoWeek: 'Uge (ISO)',
    hoursPerWeek: 'timer pr. uge',
    granted: 'visiteret',
    affordable: 'budgetteret',
    band: 'hold øje-bånd',
    status: { ok: 'OK', watch: 'Hold øje', over: 'Over budget', no_price: 'Ingen timepris' },
    dot: '{week}: visiteret {granted} t, budgetteret {affordable} t, {status}',
  };
  it('writes axes, legend, ticks and tooltips in its words and number format', () => {
    const svg = seriesSvg('Budget', [point(1, '1234.5', '1200'), point(2, null, null)], danish);
    expect(svg).toContain('>Uge (ISO)</text>');
    expect(svg).toContain('>timer pr. uge</text>');
    expect(svg).toContain('>1.000</text>'); // a tick in Danish digits
    expect(svg).toContain('<title>2026-W01: visiteret 1.234,50 t, budgetteret 1.200,00 t, OK</title>');
    expect(svg).toContain('<text x="257" y="0">hold øje-bånd</text>'); // after "visiteret" and "budgetteret", each as wide as its words
    expect(svg).not.toMatch(/granted|affordable|ISO week/);
  });
  it('keeps the English of the API chart', () => {
    const svg = seriesSvg('Budget', [point(1, '10', '12')], ENGLISH_CHART_WORDS);
    expect(svg).toContain('<title>2026-W01: granted 10.00 h, affordable 12.00 h, ok</title>');
    expect(svg).toContain('>ISO week</text>');
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
