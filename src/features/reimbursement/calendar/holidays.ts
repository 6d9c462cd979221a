import Holidays from 'date-holidays';

export type Country = 'DK' | 'SE';

/**
 * Days that some contracts count as holidays although the law does not: Danish observance days
 * and Swedish "aftnar". They are added only when a model names them (setting holidays.alsoCount).
 */
export const NAMED_DAYS = {
  DK: ['grundlovsdag', 'juleaftensdag', 'nytaarsaftensdag', 'arbejdernes_kampdag'],
  SE: ['midsommarafton', 'julafton', 'nyarsafton', 'paskafton', 'pingstafton'],
} as const satisfies Record<Country, readonly string[]>;
export type NamedDay = (typeof NAMED_DAYS)[Country][number];

/** Swedish de-facto holidays that date-holidays files as type 'bank' (TECH-NOTES). */
const SE_DE_FACTO: readonly NamedDay[] = ['midsommarafton', 'julafton', 'nyarsafton'];

export interface HolidayOptions {
  /** SE: count Midsommarafton, Julafton and Nyårsafton (date-holidays type 'bank'). */
  includeDeFacto?: boolean;
  /** Further named days to count (must belong to the country). */
  alsoCount?: readonly NamedDay[];
}

export interface Holiday {
  date: string;
  name: string;
  source: 'public' | 'named' | 'municipal';
}

const LABEL: Record<NamedDay, string> = {
  grundlovsdag: 'Grundlovsdag',
  juleaftensdag: 'Juleaftensdag',
  nytaarsaftensdag: 'Nytårsaftensdag',
  arbejdernes_kampdag: 'Arbejdernes kampdag',
  midsommarafton: 'Midsommarafton',
  julafton: 'Julafton',
  nyarsafton: 'Nyårsafton',
  paskafton: 'Påskafton',
  pingstafton: 'Pingstafton',
};

const libs = new Map<Country, Holidays>();
const lib = (country: Country) => {
  let h = libs.get(country);
  if (!h) libs.set(country, (h = new Holidays(country)));
  return h;
};

const utcDate = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);

function namedDayDate(day: NamedDay, year: number, easterSunday: string): string {
  const [ey, em, ed] = easterSunday.split('-').map(Number) as [number, number, number];
  switch (day) {
    case 'grundlovsdag':
      return `${year}-06-05`;
    case 'juleaftensdag':
    case 'julafton':
      return `${year}-12-24`;
    case 'nytaarsaftensdag':
    case 'nyarsafton':
      return `${year}-12-31`;
    case 'arbejdernes_kampdag':
      return `${year}-05-01`;
    case 'midsommarafton': {
      // The Friday between 19 and 25 June.
      const jun19 = new Date(Date.UTC(year, 5, 19)).getUTCDay();
      return utcDate(year, 6, 19 + ((5 - jun19 + 7) % 7));
    }
    case 'paskafton':
      return utcDate(ey, em, ed - 1);
    case 'pingstafton':
      return utcDate(ey, em, ed + 48);
  }
}

const cache = new Map<string, Holiday[]>();

/**
 * The holidays of one year: the country's public holidays from date-holidays (type 'public' only;
 * that library tracks law changes such as Store Bededag, public in Denmark up to 2023), the named
 * days the model counts, and the municipality's own extra days. Sorted by date, one entry per date.
 */
export function holidays(
  country: Country,
  year: number,
  options: HolidayOptions = {},
  extraDays: readonly (string | { date: string; name: string })[] = [],
): Holiday[] {
  const named = new Set<NamedDay>([...(options.alsoCount ?? []), ...(options.includeDeFacto && country === 'SE' ? SE_DE_FACTO : [])]);
  const key = `${country}|${year}|${[...named].sort().join(',')}`;
  let national = cache.get(key);
  if (!national) {
    const lang = country === 'DK' ? 'da' : 'sv';
    const all = lib(country).getHolidays(year, lang);
    const easter = all.find((h) => h.rule === 'easter');
    if (!easter) throw new Error(`date-holidays returned no Easter Sunday for ${country} ${year}`);
    national = all.filter((h) => h.type === 'public').map((h) => ({ date: h.date.slice(0, 10), name: h.name, source: 'public' as const }));
    for (const day of named) {
      if (!(NAMED_DAYS[country] as readonly string[]).includes(day)) throw new RangeError(`${day} is not a ${country} day`);
      national.push({ date: namedDayDate(day, year, easter.date.slice(0, 10)), name: LABEL[day], source: 'named' });
    }
    cache.set(key, national);
  }
  const out = new Map<string, Holiday>();
  for (const h of national) if (!out.has(h.date)) out.set(h.date, h);
  for (const e of extraDays) {
    const h = typeof e === 'string' ? { date: e, name: 'Municipal holiday' } : e;
    if (h.date.startsWith(`${year}-`) && !out.has(h.date)) out.set(h.date, { date: h.date, name: h.name, source: 'municipal' });
  }
  return [...out.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The holiday dates of every year touched by [fromYear, toYear], as a set for lookups. */
export function holidaySet(
  country: Country,
  fromYear: number,
  toYear: number,
  options: HolidayOptions = {},
  extraDays: readonly (string | { date: string; name: string })[] = [],
): Set<string> {
  const set = new Set<string>();
  for (let y = fromYear; y <= toYear; y++) for (const h of holidays(country, y, options, extraDays)) set.add(h.date);
  return set;
}
