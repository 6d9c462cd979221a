import { DateTime } from 'luxon';

/**
 * The demo municipality as plain data, generated deterministically from a seed: the same
 * arguments always give the same providers, citizens, grants and visits. No I/O here; the loader
 * (seeds/demo.ts) writes it through the services and the import pipeline.
 */

export const DEMO_CODE = 'demo';
export const DEMO_MONTH = { year: 2026, month: 4 } as const; // April 2026: Easter holidays 2, 3, 5, 6 April
export const TAKEOVER_DATE = '2026-04-01';

/** The country of a demo: DK (the default, Demo Kommune) or SE (Demokommun, seeds/demo-se.ts). */
export type DemoCountry = 'DK' | 'SE';

export interface DemoProvider {
  ref: string;
  name: string;
  kind: 'municipal' | 'private';
  companyNumber: string;
  electronicAddress: string;
  /** One line, "street, postcode city" (the parts are read from it). */
  address: string;
  /** An IBAN or a Danish "reg.nr. account": it decides the e-invoice's payment means. */
  bankAccount: string;
  /** null: the municipality's (self-billing). */
  invoicingMode: 'self_billing' | 'payment_basis' | null;
  /** The date of the signed self-billing agreement. */
  selfBillingAgreedOn: string | null;
  approvedFrom: string;
  approvedTo?: string;
  share: number; // share of citizens choosing it
}

export const PROVIDERS: DemoProvider[] = [
  // The in-house unit gets an internal statement (no invoice to its own municipality).
  {
    ref: 'KOMMUNAL',
    name: 'Demo Kommune Hjemmepleje',
    kind: 'municipal',
    companyNumber: '29189919',
    electronicAddress: '5798000000001',
    address: 'Plejecentervej 3, 6200 Demoby',
    bankAccount: 'DK50 0040 0440 1162 43',
    invoicingMode: null,
    selfBillingAgreedOn: null,
    approvedFrom: '2020-01-01',
    share: 0.4,
  },
  {
    ref: 'OMSORG-NORD',
    name: 'Omsorg Nord ApS',
    kind: 'private',
    companyNumber: '31554411',
    electronicAddress: '5798000000025',
    address: 'Nørregade 12, 1. sal, 6200 Demoby',
    bankAccount: '5301 0001234567',
    invoicingMode: null,
    selfBillingAgreedOn: '2021-01-01',
    approvedFrom: '2021-01-01',
    approvedTo: TAKEOVER_DATE,
    share: 0.2,
  },
  {
    ref: 'HJEM-SYD',
    name: 'Hjemmehjælp Syd A/S',
    kind: 'private',
    companyNumber: '35221174',
    electronicAddress: '5798000000032',
    address: 'Sydhavnsvej 40, 6230 Rødekro',
    bankAccount: 'DK54 5301 0001 2345 67',
    invoicingMode: 'self_billing',
    selfBillingAgreedOn: '2024-11-01',
    approvedFrom: '2021-01-01',
    share: 0.2,
  },
  // Invoices the municipality itself from the payment basis it is sent (docs/invoices.md).
  {
    ref: 'PLEJE-PLUS',
    name: 'PlejePlus Ærø & Søby I/S',
    kind: 'private',
    companyNumber: '38774417',
    electronicAddress: '5798000000049',
    address: 'Havnevej 7, 5970 Ærøskøbing',
    bankAccount: 'DK80 3000 0012 3456 78',
    invoicingMode: 'payment_basis',
    selfBillingAgreedOn: null,
    approvedFrom: '2022-07-01',
    share: 0.2,
  },
];

export type Category = 'personal_care' | 'practical_help' | 'meals' | 'alarm' | 'night_patrol';

export interface DemoService {
  code: string;
  name: string;
  category: Category;
  priceGroup: string;
  standardMinutes: number;
  billingUnit: 'per_minute' | 'per_visit' | 'per_month';
}

export const SERVICES: DemoService[] = [
  { code: 'PP01', name: 'Morgenpleje', category: 'personal_care', priceGroup: 'PP', standardMinutes: 30, billingUnit: 'per_minute' },
  { code: 'PP02', name: 'Personlig hygiejne', category: 'personal_care', priceGroup: 'PP', standardMinutes: 20, billingUnit: 'per_minute' },
  { code: 'PP03', name: 'Bad', category: 'personal_care', priceGroup: 'PP', standardMinutes: 30, billingUnit: 'per_minute' },
  { code: 'PP04', name: 'Af- og påklædning', category: 'personal_care', priceGroup: 'PP', standardMinutes: 10, billingUnit: 'per_minute' },
  { code: 'PP05', name: 'Toiletbesøg', category: 'personal_care', priceGroup: 'PP', standardMinutes: 10, billingUnit: 'per_minute' },
  { code: 'PP06', name: 'Medicingivning', category: 'personal_care', priceGroup: 'PP', standardMinutes: 5, billingUnit: 'per_minute' },
  { code: 'PP07', name: 'Aftenpleje', category: 'personal_care', priceGroup: 'PP', standardMinutes: 25, billingUnit: 'per_minute' },
  { code: 'PP08', name: 'Natpleje', category: 'personal_care', priceGroup: 'PP', standardMinutes: 15, billingUnit: 'per_minute' },
  {
    code: 'PP09',
    name: 'Forflytning med lift (to medarbejdere)',
    category: 'personal_care',
    priceGroup: 'PP',
    standardMinutes: 15,
    billingUnit: 'per_minute',
  },
  { code: 'PH01', name: 'Rengøring', category: 'practical_help', priceGroup: 'PH', standardMinutes: 60, billingUnit: 'per_minute' },
  { code: 'PH02', name: 'Tøjvask', category: 'practical_help', priceGroup: 'PH', standardMinutes: 30, billingUnit: 'per_minute' },
  { code: 'PH03', name: 'Indkøb', category: 'practical_help', priceGroup: 'PH', standardMinutes: 20, billingUnit: 'per_minute' },
  { code: 'MA01', name: 'Levering af hovedmåltid', category: 'meals', priceGroup: 'MAD', standardMinutes: 5, billingUnit: 'per_visit' },
  { code: 'NP01', name: 'Tilsyn, natpatrulje', category: 'night_patrol', priceGroup: 'NAT', standardMinutes: 10, billingUnit: 'per_visit' },
  { code: 'AL01', name: 'Nødkald', category: 'alarm', priceGroup: 'ALARM', standardMinutes: 0, billingUnit: 'per_month' },
];

export const TIME_BANDS = ['day', 'evening', 'night', 'weekend_holiday'] as const;

/** Hourly prices in DKK excl. VAT (per visit for MAD/NAT, per month for ALARM). */
const BASE_RATES: BaseRates = {
  PP: { unit: 'per_hour', day: '452.00', evening: '498.50', night: '561.25', weekend_holiday: '542.75' },
  PH: { unit: 'per_hour', day: '389.00', evening: '389.00', night: '389.00', weekend_holiday: '389.00' },
  MAD: { unit: 'per_visit', day: '58.00', evening: '58.00', night: '58.00', weekend_holiday: '58.00' },
  NAT: { unit: 'per_visit', day: '260.00', evening: '260.00', night: '260.00', weekend_holiday: '260.00' },
  ALARM: { unit: 'per_month', day: '197.00', evening: '197.00', night: '197.00', weekend_holiday: '197.00' },
};

type BaseRates = Record<string, { unit: 'per_hour' | 'per_visit' | 'per_month' } & Partial<Record<(typeof TIME_BANDS)[number], string>>>;

/**
 * What the generator needs to know of a country's demo: its providers, catalogue and prices, the
 * takeover, the area codes, and the codes of its catalogue for the generator's service roles
 * (the roles are the Danish catalogue's codes: PP01 morning care, PH01 cleaning, …).
 */
export interface DemoProfile {
  country: DemoCountry;
  zone: string;
  providers: DemoProvider[];
  services: DemoService[];
  /** The price list's bands, in the order the rates are listed. */
  timeBands: readonly (typeof TIME_BANDS)[number][];
  rates: BaseRates;
  /** The generator's service role (a Danish code) → this catalogue's code; absent: the same code. */
  codes?: Record<string, string>;
  /** The in-house provider, which delivers meals, alarms and night patrols. */
  inHouse: string;
  /** The provider that goes bankrupt and the one that takes over its citizens from TAKEOVER_DATE. */
  takeover: { from: string; to: string };
  /** The codes of the town and the country area the citizens, visits and budgets carry … */
  areas: { urban: string; rural: string };
  /** … and their names in the municipality's own words: what pages, reasons and reports show (docs/areas.md). */
  areaNames: { urban: string; rural: string };
}

export const DK_PROFILE: DemoProfile = {
  country: 'DK',
  zone: 'Europe/Copenhagen',
  providers: PROVIDERS,
  services: SERVICES,
  timeBands: TIME_BANDS,
  rates: BASE_RATES,
  inHouse: 'KOMMUNAL',
  takeover: { from: 'OMSORG-NORD', to: 'HJEM-SYD' },
  areas: { urban: 'urban', rural: 'rural' },
  areaNames: { urban: 'Bydistrikt', rural: 'Landdistrikt' },
};

export function priceRates(profile: DemoProfile = DK_PROFILE) {
  const rates: Array<{
    priceGroup: string;
    timeBand: string;
    providerKind: 'municipal' | 'private';
    unit: 'per_hour' | 'per_visit' | 'per_month';
    rate: string;
  }> = [];
  for (const [priceGroup, r] of Object.entries(profile.rates)) {
    for (const timeBand of profile.timeBands) {
      for (const providerKind of ['municipal', 'private'] as const) {
        rates.push({ priceGroup, timeBand, providerKind, unit: r.unit, rate: r[timeBand]! });
      }
    }
  }
  return rates;
}

/** mulberry32: small, fast, deterministic. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

export interface DemoCitizen {
  ref: string;
  /** The profile's area code (DK: urban / rural). */
  area: string;
  choices: Partial<Record<Category, string>>; // provider ref per category, from 2026-01-01
}

export interface DemoGrant {
  externalId: string;
  citizenRef: string;
  serviceCode: string;
  minutes: number;
  frequency: 'daily' | 'weekly' | 'biweekly' | 'monthly' | 'weekdays';
  times: number;
  weekdays?: number[];
  staffCount: 1 | 2;
  validFrom: string;
  validTo?: string;
  duration: 'temporary' | 'permanent';
  /** Local clock times of the occurrences within a day, e.g. ['07:45']. */
  clock: string[];
}

export interface DemoAbsence {
  citizenRef: string;
  kind: 'hospital' | 'respite' | 'holiday';
  planned: boolean;
  validFrom: string;
  validTo: string;
}

export interface DemoVisit {
  externalId: string;
  providerRef: string;
  citizenRef: string;
  serviceCodes: string[];
  plannedStart: string; // local 'yyyy-MM-dd HH:mm'
  plannedEnd: string;
  actualStart: string | null;
  actualEnd: string | null;
  status: 'delivered' | 'cancelled_by_citizen' | 'no_show' | 'cancelled_by_provider' | 'replacement';
  staffCount: number;
  cancelledAt: string | null;
  area: string;
}

export interface DemoData {
  citizens: DemoCitizen[];
  grants: DemoGrant[];
  absences: DemoAbsence[];
  visits: DemoVisit[];
}

function chooseProvider(r: ReturnType<typeof prng>, providers: DemoProvider[]): string {
  let x = r.next();
  for (const p of providers) {
    if ((x -= p.share) < 0) return p.ref;
  }
  return providers[0]!.ref;
}

/** The grants of one citizen by need level; frequencies cover every kind the model supports. */
function grantsFor(ref: string, r: ReturnType<typeof prng>, seq: () => string, profile: DemoProfile): DemoGrant[] {
  const base = { citizenRef: ref, validFrom: '2026-01-01', duration: 'permanent' as const, staffCount: 1 as const };
  const g = (
    role: string,
    frequency: DemoGrant['frequency'],
    times: number,
    clock: string[],
    extra: Partial<DemoGrant> = {},
  ): DemoGrant => {
    const serviceCode = profile.codes?.[role] ?? role;
    const svc = profile.services.find((s) => s.code === serviceCode)!;
    return { ...base, externalId: seq(), serviceCode, minutes: svc.standardMinutes, frequency, times, clock, ...extra };
  };
  const level = r.next();
  // Fortnightly cleaning alternates between even and odd weeks across citizens, as real rounds do.
  const out: DemoGrant[] = [
    g('PH01', 'biweekly', 1, ['10:00'], { validFrom: r.chance(0.5) ? '2026-01-01' : '2026-01-08' }),
    g('PH03', 'weekly', 1, ['13:00']),
  ];
  if (r.chance(0.5)) out.push(g('PH02', 'weekdays', 1, ['11:00'], { weekdays: [r.pick([1, 2, 3, 4, 5])] }));
  if (level > 0.55) out.push(g('PP01', 'daily', 1, [`07:${r.pick(['15', '30', '45'])}`], { minutes: r.pick([20, 25, 30]) }));
  if (level > 0.75) out.push(g('PP06', 'daily', 3, ['08:15', '12:00', '18:00']));
  if (level > 0.8) out.push(g('PP07', 'daily', 1, [r.pick(['14:50', '19:00', '20:30', '22:50'])])); // some cross a band boundary
  if (level > 0.6) out.push(g('PP03', 'weekly', level > 0.85 ? 2 : 1, ['09:30']));
  if (level > 0.92) out.push(g('PP08', 'daily', 1, ['02:00']), g('NP01', 'weekdays', 1, ['23:30'], { weekdays: [5, 6, 7] }));
  if (level > 0.96) out.push(g('PP09', 'daily', 2, ['08:00', '20:00'], { staffCount: 2 }));
  if (r.chance(0.3)) out.push(g('MA01', 'daily', 1, ['11:30']));
  if (r.chance(0.4)) out.push(g('AL01', 'monthly', 1, []));
  if (r.chance(0.15)) out.push(g('PP02', 'monthly', 4, ['10:30']));
  // Some grants are temporary after a discharge, some start or end within the demo month.
  if (r.chance(0.05))
    out.push(g('PP04', 'daily', 2, ['08:45', '21:00'], { validFrom: '2026-04-14', validTo: '2026-05-12', duration: 'temporary' }));
  if (r.chance(0.03)) out[0] = { ...out[0]!, validTo: '2026-04-16' };
  return out;
}

interface Day {
  iso: string;
  weekday: number; // ISO 1 = Monday
  week: number; // ISO week number
}

/** The local dates of the demo month plus the next day (for visits that run past midnight). */
function monthDays(zone: string): Day[] {
  const first = DateTime.fromObject({ year: DEMO_MONTH.year, month: DEMO_MONTH.month, day: 1 }, { zone });
  return Array.from({ length: first.daysInMonth! + 1 }, (_, i) => {
    const d = first.plus({ days: i });
    return { iso: d.toISODate()!, weekday: d.weekday, week: d.weekNumber };
  });
}

/** Indexes of the days of the demo month on which a grant has occurrences. */
function occurrenceDays(g: DemoGrant, days: Day[], zone: string): number[] {
  const inMonth = days.slice(0, -1).map((d, i) => ({ ...d, i }));
  const valid = inMonth.filter((d) => d.iso >= g.validFrom && (!g.validTo || d.iso < g.validTo));
  const anchorWeek = DateTime.fromISO(g.validFrom, { zone }).weekNumber;
  const pickWeekday = 1 + (Number(g.externalId.slice(-3)) % 5); // stable per grant
  switch (g.frequency) {
    case 'daily':
      return valid.map((d) => d.i);
    case 'weekdays':
      return valid.filter((d) => g.weekdays!.includes(d.weekday)).map((d) => d.i);
    case 'weekly': {
      const wanted = g.times === 1 ? [pickWeekday] : [2, 5, 1, 4, 3, 6, 7].slice(0, g.times);
      return valid.filter((d) => wanted.includes(d.weekday)).map((d) => d.i);
    }
    case 'biweekly':
      return valid.filter((d) => d.weekday === pickWeekday && (d.week - anchorWeek) % 2 === 0).map((d) => d.i);
    case 'monthly': {
      const picked = new Set(Array.from({ length: Math.min(g.times, valid.length) }, (_, i) => Math.floor((i * valid.length) / g.times)));
      return valid.filter((_, i) => picked.has(i)).map((d) => d.i);
    }
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

export function generateDemo(opts: { citizens: number; seed?: number; profile?: DemoProfile }): DemoData {
  const profile = opts.profile ?? DK_PROFILE;
  const { inHouse, takeover, areas } = profile;
  const code = (role: string) => profile.codes?.[role] ?? role;
  const r = prng(opts.seed ?? 20260401);
  let grantSeq = 0;
  const seq = () => `V-${String(++grantSeq).padStart(6, '0')}`;
  const citizens: DemoCitizen[] = [];
  const grants: DemoGrant[] = [];
  for (let i = 1; i <= opts.citizens; i++) {
    const ref = `B${String(i).padStart(5, '0')}`;
    const care = chooseProvider(r, profile.providers);
    const c: DemoCitizen = {
      ref,
      area: r.chance(0.3) ? areas.rural : areas.urban,
      choices: {
        personal_care: care,
        practical_help: r.chance(0.8) ? care : chooseProvider(r, profile.providers),
        meals: inHouse,
        alarm: inHouse,
        night_patrol: inHouse,
      },
    };
    citizens.push(c);
    grants.push(...grantsFor(ref, r, seq, profile));
  }

  // Hospital stays (at least one), a respite stay and a holiday in the demo month.
  const absences: DemoAbsence[] = [];
  const heavy = [...new Set(grants.filter((g) => g.serviceCode === code('PP06')).map((g) => g.citizenRef))];
  const hospitalised = heavy.filter((_, i) => i % 40 === 0);
  for (const ref of hospitalised)
    absences.push({ citizenRef: ref, kind: 'hospital', planned: false, validFrom: '2026-04-08', validTo: '2026-04-14' });
  const respite = heavy.find((x) => !hospitalised.includes(x));
  if (respite) absences.push({ citizenRef: respite, kind: 'respite', planned: true, validFrom: '2026-04-20', validTo: '2026-04-27' });
  const away = citizens.find((c) => !heavy.includes(c.ref));
  if (away) absences.push({ citizenRef: away.ref, kind: 'holiday', planned: true, validFrom: '2026-04-13', validTo: '2026-04-20' });

  const absent = (ref: string, day: string) => absences.find((a) => a.citizenRef === ref && day >= a.validFrom && day < a.validTo);
  const providerOn = (c: DemoCitizen, cat: Category, day: string) => {
    const p = c.choices[cat]!;
    // OMSORG-NORD went bankrupt; HJEM-SYD took over its citizens from TAKEOVER_DATE. A few
    // visits on the first two days were still registered on the old provider by mistake.
    if (p === takeover.from && day >= TAKEOVER_DATE) return day < '2026-04-03' && r.chance(0.05) ? takeover.from : takeover.to;
    return p;
  };

  const days = monthDays(profile.zone);
  // Local wall-clock time from (day index, minutes after that day's midnight); April has no DST change.
  const at = (day: number, minute: number): string => {
    const d = day + Math.floor(minute / 1440);
    const m = ((minute % 1440) + 1440) % 1440;
    const iso = d < 0 ? '2026-03-31' : days[d]!.iso;
    return `${iso} ${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
  };
  const visits: DemoVisit[] = [];
  let visitSeq = 0;
  const nextVisitId = () => `PHX-${String(++visitSeq).padStart(7, '0')}`;
  const byRef = new Map(citizens.map((c) => [c.ref, c]));
  const serviceOf = new Map(profile.services.map((s) => [s.code, s]));
  for (const g of grants) {
    const svc = serviceOf.get(g.serviceCode)!;
    if (svc.billingUnit === 'per_month') continue; // alarms are paid per month, not per visit
    const c = byRef.get(g.citizenRef)!;
    const minutes = Math.max(g.minutes, 5);
    const perDay = g.frequency === 'daily' || g.frequency === 'weekdays' ? g.times : 1;
    for (const day of occurrenceDays(g, days, profile.zone)) {
      const dayIso = days[day]!.iso;
      for (const clock of g.clock.slice(0, perDay)) {
        const [hh, mm] = clock.split(':').map(Number) as [number, number];
        const planned = hh * 60 + mm;
        const base = {
          externalId: nextVisitId(),
          providerRef: providerOn(c, svc.category, dayIso),
          citizenRef: c.ref,
          serviceCodes: [g.serviceCode],
          plannedStart: at(day, planned),
          plannedEnd: at(day, planned + minutes),
          staffCount: g.staffCount,
          area: c.area,
        };
        const none = { actualStart: null, actualEnd: null, cancelledAt: null };
        const away = absent(c.ref, dayIso);
        if (away) {
          // Day one of an unplanned hospital stay: the visit was cancelled late; later days were not planned.
          if (away.kind === 'hospital' && dayIso === away.validFrom) {
            visits.push({ ...base, ...none, status: 'cancelled_by_citizen', cancelledAt: at(day, planned - 120) });
          }
          continue;
        }
        const x = r.next();
        if (x < 0.012) {
          visits.push({ ...base, ...none, status: 'cancelled_by_citizen', cancelledAt: at(day, planned - r.int(60, 180)) });
        } else if (x < 0.025) {
          visits.push({ ...base, ...none, status: 'cancelled_by_citizen', cancelledAt: at(day - 1, 9 * 60) });
        } else if (x < 0.035) {
          visits.push({ ...base, ...none, status: 'no_show' });
        } else if (x < 0.04) {
          visits.push({ ...base, ...none, status: 'cancelled_by_provider' });
          if (r.chance(0.5)) {
            const start = 15 * 60 + 30;
            visits.push({
              ...base,
              ...none,
              externalId: nextVisitId(),
              status: 'replacement',
              plannedStart: at(day + 1, start),
              plannedEnd: at(day + 1, start + minutes),
              actualStart: at(day + 1, start),
              actualEnd: at(day + 1, start + minutes),
            });
          }
        } else {
          const start = planned + r.int(-5, 15);
          const factor = r.chance(0.004) ? 3 : 0.8 + r.next() * 0.4; // now and then a visit far longer than granted
          visits.push({
            ...base,
            ...none,
            status: 'delivered',
            actualStart: at(day, start),
            actualEnd: at(day, start + Math.max(1, Math.round(minutes * factor))),
          });
        }
      }
    }
  }
  // A few visits that match no grant (an extra bath requested on the spot), on 22 April.
  for (const c of citizens.filter((_, i) => i % 97 === 5)) {
    const day = 21;
    visits.push({
      externalId: nextVisitId(),
      providerRef: providerOn(c, 'personal_care', days[day]!.iso),
      citizenRef: c.ref,
      serviceCodes: [code('PP03')],
      plannedStart: at(day, 970),
      plannedEnd: at(day, 1000),
      actualStart: at(day, 970),
      actualEnd: at(day, 1004),
      status: 'delivered',
      staffCount: 1,
      cancelledAt: null,
      area: c.area,
    });
  }
  return { citizens, grants, absences, visits };
}
