import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type {
  AbsenceInput,
  CatalogueService,
  Category,
  ChoiceInput,
  CitizenInput,
  EngineInput,
  GrantInput,
  LevelGrantInput,
  LevelInput,
  LevelRate,
  LevelRateUnit,
  PriceRate,
  ProviderKind,
  RateUnit,
  VisitInput,
} from '../engine-types.js';
import { parseModel, type ReimbursementModel } from '../model-schema.js';

/** Builders for engine tests: small defaults, override what the case is about. */

export const EXAMPLES = ['dk-granted-time', 'stockholm-2024', 'solna-2024', 'tyreso-2021', 'jonkoping-2016'] as const;
export type ExampleName = (typeof EXAMPLES)[number];

export const exampleText = (name: ExampleName): string => readFileSync(new URL(`../examples/${name}.json`, import.meta.url), 'utf8');

export function exampleModel(name: ExampleName): ReimbursementModel {
  const r = parseModel(JSON.parse(exampleText(name)));
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.issues)}`);
  return r.model;
}

/** An instant from a local wall-clock time 'YYYY-MM-DD HH:mm' in `zone`, as an ISO string with offset. */
export const local = (text: string, zone = 'Europe/Stockholm'): string =>
  DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm', { zone }).toISO({ suppressMilliseconds: true })!;

export const aService = (code: string, category: Category, priceGroup: string = category, standardMinutes = 30): CatalogueService => ({
  code,
  category,
  priceGroup,
  standardMinutes,
  billingUnit: 'per_minute',
});

export const aRate = (
  priceGroup: string,
  timeBand: string,
  rate: string,
  o: { kind?: ProviderKind; unit?: RateUnit; area?: string | null } = {},
): PriceRate => ({
  priceGroup,
  timeBand,
  providerKind: o.kind ?? 'private',
  area: o.area ?? null,
  unit: o.unit ?? 'per_hour',
  rate: new Decimal(rate),
});

export const aCitizen = (id: number, area: string | null = null): CitizenInput => ({ id, ref: `C${String(id).padStart(3, '0')}`, area });

export const aChoice = (citizenId: number, category: Category, o: Partial<ChoiceInput> = {}): ChoiceInput => ({
  citizenId,
  category,
  providerId: 1,
  validFrom: '2020-01-01',
  validTo: null,
  ...o,
});

let grantIds = 1000;
export const aGrant = (citizenId: number, serviceCode: string, category: Category, o: Partial<GrantInput> = {}): GrantInput => ({
  id: grantIds++,
  citizenId,
  serviceCode,
  category,
  minutesPerOccurrence: 30,
  frequency: { type: 'daily', count: 1 },
  staffCount: 1,
  validFrom: '2020-01-01',
  validTo: null,
  ...o,
});

export const anAbsence = (citizenId: number, validFrom: string, validTo: string | null, o: Partial<AbsenceInput> = {}): AbsenceInput => ({
  citizenId,
  kind: 'hospital',
  planned: false,
  validFrom,
  validTo,
  ...o,
});

let visitIds = 1;
/** A delivered visit from local `start` to local `end` (wall clock in `zone`). */
export const aVisit = (
  citizenId: number,
  codes: string | string[],
  start: string,
  end: string,
  o: Partial<VisitInput> & { zone?: string } = {},
): VisitInput => {
  const { zone, ...rest } = o;
  const id = visitIds++;
  const s = local(start, zone);
  const e = local(end, zone);
  return {
    id,
    externalId: `V${String(id).padStart(6, '0')}`,
    version: 1,
    providerId: 1,
    citizenId,
    serviceCodes: Array.isArray(codes) ? codes : [codes],
    plannedStart: s,
    plannedEnd: e,
    actualStart: s,
    actualEnd: e,
    status: 'delivered',
    staffCount: 1,
    cancelledAt: null,
    area: null,
    ...rest,
  };
};

/** A visit that did not take place (planned times only). */
export const aCancelledVisit = (
  citizenId: number,
  code: string,
  start: string,
  end: string,
  status: VisitInput['status'],
  o: Partial<VisitInput> & { zone?: string; cancelledAtLocal?: string } = {},
): VisitInput => {
  const { cancelledAtLocal, zone, ...rest } = o;
  return aVisit(citizenId, code, start, end, {
    zone,
    actualStart: null,
    actualEnd: null,
    status,
    cancelledAt: cancelledAtLocal ? local(cancelledAtLocal, zone) : null,
    ...rest,
  });
};

export function anInput(model: ReimbursementModel, o: Partial<EngineInput> = {}): EngineInput {
  const country = model.holidays.country;
  return {
    period: { from: '2026-03-01', to: '2026-04-01' },
    municipality: { country, timeZone: country === 'DK' ? 'Europe/Copenhagen' : 'Europe/Stockholm', extraHolidays: [] },
    provider: { id: 1, ref: 'P1', kind: 'private', vatStatus: 'registered' },
    model,
    modelVersionId: 1,
    priceListVersionId: 1,
    services: {},
    rates: [],
    citizens: [],
    choices: [],
    grants: [],
    absences: [],
    visits: [],
    ...o,
  };
}

export const servicesByCode = (...list: CatalogueService[]): Record<string, CatalogueService> =>
  Object.fromEntries(list.map((s) => [s.code, s]));

/** A plain Swedish model (day 07–22, night 22–07, delivered time, no VAT, no never-delivered check) with `patch` on top; validated. */
export function aModel(patch: Record<string, unknown> = {}): ReimbursementModel {
  const r = parseModel({
    schemaVersion: 1,
    name: 'test model',
    holidays: { country: 'SE' },
    timeBands: {
      bands: [
        { name: 'day', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '07:00', end: '22:00' },
        { name: 'night', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '22:00', end: '07:00' },
      ],
      crossing: 'split',
    },
    defaults: { basis: { type: 'delivered' } },
    vat: { default: { percent: '0', exemptionReason: 'exempt' } },
    exceptions: { grantNeverDelivered: false },
    ...patch,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.model;
}

/**
 * A small world for rule tests: citizen 1 (ref C001) with daily grants of PC (personal care,
 * 30 min), CLEAN (practical help, standard 60) and SHOP (practical help, standard 30), all
 * chosen from provider 1. Hourly rates: 600 by day and 720 at night (10 and 12 kr a minute).
 */
export function aWorld(model: ReimbursementModel, o: Partial<EngineInput> = {}): EngineInput {
  return anInput(model, {
    services: servicesByCode(
      aService('PC', 'personal_care', 'pc', 30),
      aService('CLEAN', 'practical_help', 'ph', 60),
      aService('SHOP', 'practical_help', 'ph', 30),
    ),
    rates: ['pc', 'ph'].flatMap((g) => [
      aRate(g, 'day', '600'),
      aRate(g, 'night', '720'),
      aRate(g, 'day', '600', { kind: 'municipal' }),
      aRate(g, 'night', '720', { kind: 'municipal' }),
    ]),
    citizens: [aCitizen(1), aCitizen(2)],
    choices: [aChoice(1, 'personal_care'), aChoice(1, 'practical_help'), aChoice(2, 'personal_care')],
    grants: [
      aGrant(1, 'PC', 'personal_care'),
      aGrant(1, 'CLEAN', 'practical_help', { minutesPerOccurrence: 60 }),
      aGrant(1, 'SHOP', 'practical_help'),
      aGrant(2, 'PC', 'personal_care', { frequency: { type: 'weekly', count: 1 } }),
    ],
    ...o,
  });
}

export const aLevel = (code: string, category: Category = 'personal_care', expectedHoursPerWeek: string | null = null): LevelInput => ({
  code,
  category,
  expectedHoursPerWeek: expectedHoursPerWeek === null ? null : new Decimal(expectedHoursPerWeek),
});

export const aLevelRate = (
  level: string,
  rate: string,
  o: { kind?: ProviderKind; unit?: LevelRateUnit; area?: string | null } = {},
): LevelRate => ({
  level,
  providerKind: o.kind ?? 'private',
  area: o.area ?? null,
  unit: o.unit ?? 'per_day',
  rate: new Decimal(rate),
});

let levelGrantIds = 5000;
export const aLevelGrant = (
  citizenId: number,
  level: string,
  validFrom = '2020-01-01',
  validTo: string | null = null,
): LevelGrantInput => ({
  id: levelGrantIds++,
  citizenId,
  level,
  validFrom,
  validTo,
});
