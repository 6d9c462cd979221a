import { Decimal } from 'decimal.js';
import type { Acting } from '../src/features/auth/auth-types.js';
import type { Services } from '../src/services.js';
import { formatNumber } from '../src/features/invoices/invoice-labels.js';
import type { Language } from '../src/features/invoices/invoice-types.js';
import { tr, type KeyOf, type Params } from '../src/i18n/i18n.js';

/**
 * The level part of the demo municipality (issue 18): citizens aged 67 and over receive
 * helhedspleje under the Ældreloven (LOV nr 1651 af 30/12/2024) as forløb paid per month, week or
 * day, beside the under-67s' hourly services of seeds/demo-data.ts, in the same month (April 2026,
 * 30 days) and for the same providers.
 *
 * ASSUMED figures: no municipality's price per forløb was found published, so the three forløb,
 * their expected hours, their units and prices, the hospital rule (first day paid, then nothing)
 * and the new customer's one-off amount are illustrative. The weekly prices are those of the
 * example in docs/reimbursement-model.md.
 *
 * Every citizen here is loaded once (with the municipality); the settled lines are read back for
 * the summary on every run.
 */

export const DEMO_LEVEL_PERIOD = { start: '2026-04-01', end: '2026-05-01', days: 30 } as const;

/** The catalogue's forløb (all personal care: the provider chosen for personal care is paid). */
export const DEMO_LEVELS = [
  { code: 'HP-LET', name: 'Helhedspleje, lettere forløb', category: 'personal_care' as const, expectedHoursPerWeek: '3' },
  { code: 'HP-MOD', name: 'Helhedspleje, moderat forløb', category: 'personal_care' as const, expectedHoursPerWeek: '8' },
  { code: 'HP-OMF', name: 'Helhedspleje, omfattende forløb', category: 'personal_care' as const, expectedHoursPerWeek: '20' },
];

/** ASSUMED level prices in DKK excl. VAT, municipal / private: lettere per month, moderat per week, omfattende per day. */
const LEVEL_PRICES: Record<string, { unit: 'per_day' | 'per_week' | 'per_month'; municipal: string; private: string }> = {
  'HP-LET': { unit: 'per_month', municipal: '5760.00', private: '6060.00' },
  'HP-MOD': { unit: 'per_week', municipal: '3550.00', private: '3700.00' },
  'HP-OMF': { unit: 'per_day', municipal: '1265.00', private: '1320.00' },
};

export function demoLevelRates() {
  return Object.entries(LEVEL_PRICES).flatMap(([level, p]) =>
    (['municipal', 'private'] as const).map((providerKind) => ({ level, providerKind, unit: p.unit, rate: p[providerKind] })),
  );
}

/** The model's level and one-off settings, added to the demo model (settlement-demo.ts). */
export const DEMO_LEVEL_MODEL_SETTINGS = {
  /** ASSUMED: a hospital stay pays the forløb's first day in full, the following days nothing. */
  levels: { absences: [{ kinds: ['hospital'], days: [{ from: 1, to: 1, percent: '100' }] }] },
  /**
   * ASSUMED: a new customer of the emergency alarm (installation) is paid 400.00 once. The citizens
   * loaded at go-live (choices and grants from 1 January 2026) are not new customers (`notBefore`).
   * (A personal-care one-off would pay E0009 twice over — a level grant counts as a grant of its
   * level's category, so E0009 is a new personal-care customer on 15 April too — and would pay the
   * under-67s whose first personal-care grant starts in April; the alarm keeps the demo to one.)
   */
  oneOff: [{ event: 'new_customer', category: 'alarm', amount: '400.00', notBefore: '2026-01-02' }],
};

export interface DemoLevelCitizen {
  ref: string;
  area: 'urban' | 'rural';
  /** Provider chosen for personal care, from `from`. */
  provider: string;
  from: string;
  levels: { level: string; validFrom: string; validTo?: string }[];
  hospital?: { validFrom: string; validTo: string };
  /** An emergency alarm granted from this day (a new customer). */
  alarmFrom?: string;
}

/** Citizens aged 67 and over (E…), each with one level a day. */
export const DEMO_LEVEL_CITIZENS: DemoLevelCitizen[] = [
  { ref: 'E0001', area: 'urban', provider: 'PLEJE-PLUS', from: '2026-01-01', levels: [{ level: 'HP-LET', validFrom: '2026-01-01' }] },
  { ref: 'E0002', area: 'rural', provider: 'KOMMUNAL', from: '2026-01-01', levels: [{ level: 'HP-LET', validFrom: '2026-01-01' }] },
  {
    ref: 'E0003',
    area: 'urban',
    provider: 'HJEM-SYD',
    from: '2026-01-01',
    levels: [
      { level: 'HP-LET', validFrom: '2026-01-01', validTo: '2026-04-16' },
      { level: 'HP-MOD', validFrom: '2026-04-16' },
    ],
  },
  { ref: 'E0004', area: 'urban', provider: 'HJEM-SYD', from: '2026-01-01', levels: [{ level: 'HP-MOD', validFrom: '2026-01-01' }] },
  {
    ref: 'E0005',
    area: 'urban',
    provider: 'KOMMUNAL',
    from: '2026-01-01',
    levels: [{ level: 'HP-MOD', validFrom: '2026-01-01' }],
    hospital: { validFrom: '2026-04-08', validTo: '2026-04-14' },
  },
  {
    ref: 'E0006',
    area: 'rural',
    provider: 'PLEJE-PLUS',
    from: '2026-01-01',
    levels: [
      { level: 'HP-MOD', validFrom: '2026-01-01', validTo: '2026-04-11' },
      { level: 'HP-OMF', validFrom: '2026-04-11' },
    ],
  },
  { ref: 'E0007', area: 'urban', provider: 'KOMMUNAL', from: '2026-01-01', levels: [{ level: 'HP-OMF', validFrom: '2026-01-01' }] },
  { ref: 'E0008', area: 'urban', provider: 'PLEJE-PLUS', from: '2026-01-01', levels: [{ level: 'HP-LET', validFrom: '2026-01-01' }] },
  {
    ref: 'E0009',
    area: 'urban',
    provider: 'HJEM-SYD',
    from: '2026-04-15',
    levels: [{ level: 'HP-LET', validFrom: '2026-04-15' }],
    alarmFrom: '2026-04-15',
  },
];

/** Loads the level citizens: provider choices, level grants, the hospital stay and the new customer's alarm. */
export async function loadDemoLevels(services: Services, who: Acting, progress: (m: string) => void, lang: Language = 'en'): Promise<void> {
  progress(tr(lang, 'cli', 'progressLevelCitizens', { count: DEMO_LEVEL_CITIZENS.length }));
  const m = who.principal.municipalityId;
  const providerId = new Map(
    (await services.db('providers').where({ municipality_id: m }).select('id', 'ref')).map((r) => [r.ref as string, r.id as number]),
  );
  for (const c of DEMO_LEVEL_CITIZENS) {
    const citizen = await services.citizens.create(who, { ref: c.ref, area: c.area });
    await services.choices.choose(who, {
      citizenId: citizen.id,
      category: 'personal_care',
      providerId: providerId.get(c.provider)!,
      validFrom: c.from,
    });
    for (const l of c.levels) await services.levelGrants.create(who, { citizenId: citizen.id, ...l });
    if (c.hospital) await services.absences.create(who, { citizenId: citizen.id, kind: 'hospital', planned: false, ...c.hospital });
    if (c.alarmFrom) {
      await services.choices.choose(who, {
        citizenId: citizen.id,
        category: 'alarm',
        providerId: providerId.get('KOMMUNAL')!,
        validFrom: c.alarmFrom,
      });
      await services.grants.create(who, {
        citizenId: citizen.id,
        serviceCode: 'AL01',
        frequency: { type: 'monthly', count: 1 },
        staffCount: 1,
        validFrom: c.alarmFrom,
        durationKind: 'permanent',
        sourceSystem: 'visitation',
        externalId: `V-${c.ref}-AL01`,
      });
    }
  }
}

interface RegimeRow {
  ref: string;
  kind: string;
  service_code: string;
  unit: string;
  quantity: string;
  rate: string;
  amount: string;
  reason_codes: string[];
}

const UNIT_DAYS: Record<string, number> = { per_day: 1, per_week: 7, per_month: DEMO_LEVEL_PERIOD.days };

/**
 * What the demo month's regular settlements paid in each regime, read from the stored lines:
 * hourly (visits, cancellations, hospital, per-month), levels (level-days, level changes, hospital
 * reductions) and one-off payments. Printable lines.
 */
/** The demo month per regime, printable, in `language` (else the municipality's). */
export async function demoRegimeLines(services: Services, municipalityCode: string, language?: Language): Promise<string[]> {
  const mun = await services.municipalities.getByCode(municipalityCode);
  const lang = language ?? mun.language;
  const lines = await services
    .db('settlement_lines as l')
    .join('settlements as s', function () {
      this.on('s.municipality_id', 'l.municipality_id').andOn('s.id', 'l.settlement_id');
    })
    .where({ 'l.municipality_id': mun.id, 's.period_start': DEMO_LEVEL_PERIOD.start, 's.kind': 'regular' })
    .orderBy(['l.citizen_ref', 'l.settlement_id', 'l.line_no'])
    .select<RegimeRow[]>(
      'l.citizen_ref as ref',
      'l.kind',
      'l.service_code',
      'l.unit',
      'l.quantity',
      'l.rate',
      'l.amount',
      'l.reason_codes',
    );
  const sum = (xs: typeof lines) => xs.reduce((a, l) => a.plus(l.amount), new Decimal(0));
  const citizens = (xs: typeof lines) => new Set(xs.map((l) => l.ref)).size;
  const level = lines.filter((l) => l.kind === 'level_day');
  const oneOff = lines.filter((l) => l.kind === 'new_customer' || l.kind === 'takeover');
  const hourly = lines.filter((l) => l.kind !== 'level_day' && l.kind !== 'new_customer' && l.kind !== 'takeover');
  const days = level.reduce((a, l) => a.plus(l.quantity), new Decimal(0));
  const levelsOf = new Map<string, Set<string>>();
  for (const l of level) levelsOf.set(l.ref, (levelsOf.get(l.ref) ?? new Set()).add(l.service_code));
  const changed = [...levelsOf].filter(([, s]) => s.size > 1).map(([ref, s]) => `${ref} ${[...s].join(' → ')}`);
  // A reduced line pays less than its full days: days × price ÷ days of the price unit, minus what it paid.
  // (The percent is the last part of the reason code `level.absence.<kind>.day<n>.<percent>`.)
  const reduced = level.filter((l) =>
    l.reason_codes.some((r) => r.startsWith('level.absence.') && new Decimal(r.split('.').slice(4).join('.')).lt(100)),
  );
  const notPaid = reduced.reduce(
    (a, l) => a.plus(new Decimal(l.quantity).mul(l.rate).div(UNIT_DAYS[l.unit]!).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).minus(l.amount)),
    new Decimal(0),
  );
  const reducedDays = reduced.reduce((a, l) => a.plus(l.quantity), new Decimal(0));
  const w = (key: KeyOf<'cli'>, params?: Params) => tr(lang, 'cli', key, params);
  const money = (d: Decimal) => formatNumber(d, 2, lang);
  const count = (key: 'cliCitizenCount' | 'lineCount' | 'cliLevelDayCount' | 'dayCount', n: number) => w(key, { count: n });
  return [
    w('regimesHead', { month: DEMO_LEVEL_PERIOD.start.slice(0, 7), currency: mun.currency }),
    `  ${w('regimesHourly', { citizens: count('cliCitizenCount', citizens(hourly)), lines: count('lineCount', hourly.length), amount: money(sum(hourly)) })}`,
    `  ${w('regimesLevels', {
      citizens: count('cliCitizenCount', citizens(level)),
      lines: count('lineCount', level.length),
      days: count('cliLevelDayCount', days.toNumber()),
      amount: money(sum(level)),
    })}`,
    `    ${w('regimesChanges', { changes: changed.length ? changed.join(', ') : w('regimesNone') })}`,
    `    ${w('regimesHospital', {
      citizens: count('cliCitizenCount', citizens(reduced)),
      days: count('dayCount', reducedDays.toNumber()),
      amount: money(notPaid),
    })}`,
    `  ${w('regimesOneOff', {
      count: oneOff.length,
      which: oneOff.map((l) => `${l.service_code} ${l.ref}`).join(', ') || w('regimesNone'),
      amount: money(sum(oneOff)),
    })}`,
    `  ${w('regimesAssumed')}`,
  ];
}
