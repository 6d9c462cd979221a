import { Decimal } from 'decimal.js';
import { csvDocument } from '../../shared/csv-writer.js';
import { say, textsFor } from '../web/web-text.js';
import { categoryLabel, formatNumber } from '../invoices/invoice-labels.js';
import { areaName, type AreaNames } from '../areas/area-names.js';
import type { Language } from '../invoices/invoice-types.js';
import type { IsoWeek } from './iso-week.js';

/** One week of the year's series; null figures for weeks without a stored check. */
export interface SeriesPoint {
  week: IsoWeek;
  grantedHours: Decimal | null;
  affordableHours: Decimal | null;
  /** Granted hours above which the week is "watch" / "over" (affordable × (1 + threshold %)). */
  watchFromHours: Decimal | null;
  overFromHours: Decimal | null;
  deviationPercent: Decimal | null;
  status: string | null;
}

/** A budget line in words: its category and area by name ("Personlig pleje · Bydistrikt"). */
export function budgetLineLabel(l: { category: string | null; area: string | null }, lang: Language, areas: AreaNames): string {
  const t = textsFor(lang);
  return `${l.category ? categoryLabel(l.category, lang) : t.allCategories} · ${l.area ? areaName(areas, l.area) : t.allAreas}`;
}

/** The chart's title, on the budget page and in the API's SVG alike; `line` null: the total line. */
export const chartTitle = (year: number, line: { category: string | null; area: string | null } | null, lang: Language, areas: AreaNames) =>
  `${textsFor(lang).chartTitle} ${year}: ${line ? budgetLineLabel(line, lang, areas) : textsFor(lang).allLines}`;

const fmt = (d: Decimal | null, places = 2) => (d === null ? '' : d.toFixed(places));

/** RFC 4180 CSV, comma-separated, decimals with a point; empty cells for weeks not checked. */
export function seriesCsv(points: readonly SeriesPoint[]): string {
  const head = [
    'week',
    'week_start',
    'granted_hours',
    'affordable_hours',
    'watch_from_hours',
    'over_from_hours',
    'deviation_hours',
    'deviation_percent',
    'status',
  ];
  const rows = points.map((p) => [
    p.week.key,
    p.week.monday,
    fmt(p.grantedHours),
    fmt(p.affordableHours),
    fmt(p.watchFromHours),
    fmt(p.overFromHours),
    p.grantedHours && p.affordableHours ? fmt(p.grantedHours.minus(p.affordableHours)) : '',
    fmt(p.deviationPercent),
    p.status,
  ]);
  return csvDocument(head, rows, ',');
}

const escapeXml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** A round step giving about `count` ticks up to `max`: 1, 2 or 5 × a power of ten. */
export function niceStep(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

const STATUS_COLOUR: Record<string, string> = { ok: '#2e7d32', watch: '#ef8f00', over: '#c62828', no_price: '#757575' };

/**
 * A self-contained SVG line chart: granted hours per week against affordable hours, with the
 * threshold band (between "watch" and "over") shaded. Weeks without a check leave gaps. Axes,
 * legend and numbers speak `lang` (the catalogue's web words).
 */
export function seriesSvg(title: string, points: readonly SeriesPoint[], lang: Language = 'en'): string {
  const t = textsFor(lang);
  const status = (s: string | null) => (s === null ? '' : ((t as Record<string, string>)[`check_${s}`] ?? s));
  const hours = (d: Decimal | null) => (d === null ? '–' : formatNumber(d, 2, lang));
  const W = 960;
  const H = 440;
  const m = { left: 70, right: 20, top: 50, bottom: 70 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const values = points.flatMap((p) =>
    [p.grantedHours, p.overFromHours, p.affordableHours].filter((v) => v !== null).map((v) => v.toNumber()),
  );
  const step = niceStep(Math.max(0, ...values) * 1.05);
  const top = Math.max(step, Math.ceil((Math.max(0, ...values) * 1.05) / step) * step);
  const n = Math.max(points.length, 1);
  const x = (i: number) => m.left + (n === 1 ? pw / 2 : (i * pw) / (n - 1));
  const y = (v: Decimal) => m.top + ph - (v.toNumber() / top) * ph;
  const r1 = (v: number) => Math.round(v * 10) / 10;

  /** A path through the points that have a value, broken where a week has none. */
  const path = (pick: (p: SeriesPoint) => Decimal | null) => {
    let d = '';
    let open = false;
    points.forEach((p, i) => {
      const v = pick(p);
      if (v === null) {
        open = false;
        return;
      }
      d += `${open ? 'L' : 'M'}${r1(x(i))},${r1(y(v))}`;
      open = true;
    });
    return d;
  };
  // The band: one polygon per run of consecutive weeks that have both thresholds.
  const bands: string[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length > 0) {
      const upper = run.map((i) => `${r1(x(i))},${r1(y(points[i]!.overFromHours!))}`);
      const lower = [...run].reverse().map((i) => `${r1(x(i))},${r1(y(points[i]!.watchFromHours!))}`);
      bands.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="#ffe0a3" fill-opacity="0.7" stroke="none"/>`);
    }
    run = [];
  };
  points.forEach((p, i) => (p.watchFromHours !== null && p.overFromHours !== null ? run.push(i) : flush()));
  flush();

  const yTicks: string[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) {
    const yy = r1(y(new Decimal(v)));
    yTicks.push(
      `<line x1="${m.left}" y1="${yy}" x2="${W - m.right}" y2="${yy}" stroke="#e0e0e0"/>` +
        `<text x="${m.left - 8}" y="${yy + 4}" text-anchor="end">${escapeXml(formatNumber(v, step < 1 ? 2 : 0, lang))}</text>`,
    );
  }
  const xTicks = points
    .map((p, i) => ({ p, i }))
    .filter(({ p, i }) => p.week.week === 1 || p.week.week % 4 === 0 || i === points.length - 1)
    .map(({ p, i }) => `<text x="${r1(x(i))}" y="${H - m.bottom + 18}" text-anchor="middle">${p.week.week}</text>`);
  const dots = points
    .map((p, i) =>
      p.grantedHours === null
        ? ''
        : `<circle cx="${r1(x(i))}" cy="${r1(y(p.grantedHours))}" r="3.5" fill="${STATUS_COLOUR[p.status ?? ''] ?? '#424242'}">` +
          `<title>${escapeXml(say(lang, 'chartPoint', { week: p.week.key, granted: hours(p.grantedHours), affordable: hours(p.affordableHours), status: status(p.status) }))}</title></circle>`,
    )
    .join('');
  const legendY = H - 22;
  // Legend entries one after another; the width of a text is estimated (Helvetica 12 px ≈ 6.8 px a character).
  const legend: string[] = [];
  let lx = 0;
  const entry = (mark: (x: number) => string, markWidth: number, text: string) => {
    legend.push(`${mark(lx)}<text x="${lx + markWidth + 6}" y="0">${escapeXml(text)}</text>`);
    lx += markWidth + 6 + Math.ceil(text.length * 6.8) + 18;
  };
  entry((x) => `<line x1="${x}" y1="-4" x2="${x + 24}" y2="-4" stroke="#212121" stroke-width="2"/>`, 24, t.chartGranted);
  entry(
    (x) => `<line x1="${x}" y1="-4" x2="${x + 24}" y2="-4" stroke="#1565c0" stroke-width="2" stroke-dasharray="6 4"/>`,
    24,
    t.chartAffordable,
  );
  entry((x) => `<rect x="${x}" y="-10" width="24" height="12" fill="#ffe0a3"/>`, 24, t.chartBand);
  for (const k of ['ok', 'watch', 'over'] as const)
    entry((x) => `<circle cx="${x + 4}" cy="-4" r="3.5" fill="${STATUS_COLOUR[k]}"/>`, 8, status(k));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${m.left}" y="28" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    ...yTicks,
    ...bands,
    `<line x1="${m.left}" y1="${m.top + ph}" x2="${W - m.right}" y2="${m.top + ph}" stroke="#616161"/>`,
    `<path d="${path((p) => p.affordableHours)}" fill="none" stroke="#1565c0" stroke-width="2" stroke-dasharray="6 4"/>`,
    `<path d="${path((p) => p.grantedHours)}" fill="none" stroke="#212121" stroke-width="2"/>`,
    dots,
    ...xTicks,
    `<text x="${m.left + pw / 2}" y="${H - m.bottom + 36}" text-anchor="middle">${escapeXml(t.chartWeekAxis)}</text>`,
    `<text x="16" y="${m.top + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${m.top + ph / 2})">${escapeXml(t.chartHoursAxis)}</text>`,
    `<g transform="translate(${m.left},${legendY})">`,
    ...legend,
    `</g>`,
    `</svg>`,
    '',
  ].join('\n');
}
