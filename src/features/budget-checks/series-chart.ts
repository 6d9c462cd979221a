import { Decimal } from 'decimal.js';
import { csvDocument } from '../../shared/csv-writer.js';
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

/** The words and number format of the chart; the API's SVG is in English, the web page in the user's language. */
export interface ChartWords {
  /** BCP 47 locale for the numbers, e.g. 'da-DK'. */
  locale: string;
  isoWeek: string;
  hoursPerWeek: string;
  granted: string;
  affordable: string;
  band: string;
  status: Record<'ok' | 'watch' | 'over' | 'no_price', string>;
  /** A dot's tooltip with {week}, {granted}, {affordable} and {status}. */
  dot: string;
}

export const ENGLISH_CHART_WORDS: ChartWords = {
  locale: 'en-US',
  isoWeek: 'ISO week',
  hoursPerWeek: 'hours per week',
  granted: 'granted',
  affordable: 'affordable',
  band: 'watch band (watch – over threshold)',
  status: { ok: 'ok', watch: 'watch', over: 'over', no_price: 'no price' },
  dot: '{week}: granted {granted} h, affordable {affordable} h, {status}',
};

const STATUS_COLOUR: Record<string, string> = { ok: '#2e7d32', watch: '#ef8f00', over: '#c62828', no_price: '#757575' };

/**
 * A self-contained SVG line chart: granted hours per week against affordable hours, with the
 * threshold band (between "watch" and "over") shaded. Weeks without a check leave gaps.
 */
export function seriesSvg(title: string, points: readonly SeriesPoint[], words: ChartWords = ENGLISH_CHART_WORDS): string {
  const english = words === ENGLISH_CHART_WORDS;
  // the API's SVG keeps its figures as before ("7.50"); a page shows them in its own language
  const figure = (d: Decimal | null) =>
    d === null ? '–' : english ? fmt(d) : d.toNumber().toLocaleString(words.locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const statusWord = (s: string | null) => (s === null ? '' : (words.status[s as keyof ChartWords['status']] ?? s));
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
        `<text x="${m.left - 8}" y="${yy + 4}" text-anchor="end">${escapeXml(v.toLocaleString(words.locale, { maximumFractionDigits: 2 }))}</text>`,
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
          `<title>${escapeXml(
            words.dot
              .replace('{week}', p.week.key)
              .replace('{granted}', figure(p.grantedHours))
              .replace('{affordable}', figure(p.affordableHours))
              .replace('{status}', english ? (p.status ?? '') : statusWord(p.status)),
          )}</title></circle>`,
    )
    .join('');
  const legendY = H - 22;
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
    `<text x="${m.left + pw / 2}" y="${H - m.bottom + 36}" text-anchor="middle">${escapeXml(words.isoWeek)}</text>`,
    `<text x="16" y="${m.top + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${m.top + ph / 2})">${escapeXml(words.hoursPerWeek)}</text>`,
    `<g transform="translate(${m.left},${legendY})">`,
    ...legend(words),
    `</g>`,
    `</svg>`,
    '',
  ].join('\n');
}

/** The legend's items side by side, each as wide as its words (about 6.5 px a character at 12 px). */
function legend(words: ChartWords): string[] {
  const out: string[] = [];
  let x = 0;
  const item = (mark: (x: number) => string, markWidth: number, text: string) => {
    out.push(`${mark(x)}<text x="${x + markWidth + 6}" y="0">${escapeXml(text)}</text>`);
    x += markWidth + 6 + Math.ceil(text.length * 6.5) + 18;
  };
  item((x) => `<line x1="${x}" y1="-4" x2="${x + 24}" y2="-4" stroke="#212121" stroke-width="2"/>`, 24, words.granted);
  item(
    (x) => `<line x1="${x}" y1="-4" x2="${x + 24}" y2="-4" stroke="#1565c0" stroke-width="2" stroke-dasharray="6 4"/>`,
    24,
    words.affordable,
  );
  item((x) => `<rect x="${x}" y="-10" width="24" height="12" fill="#ffe0a3"/>`, 24, words.band);
  for (const s of ['ok', 'watch', 'over'] as const)
    item((x) => `<circle cx="${x + 4}" cy="-4" r="3.5" fill="${STATUS_COLOUR[s]}"/>`, 8, words.status[s]);
  return out;
}
